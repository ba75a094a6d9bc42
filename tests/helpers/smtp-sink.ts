import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
	/** `smtp://...` for SMTP_URL. */
	url: string;
	/** Resolves with the next message's body (quoted-printable undone), or rejects after `ms`. */
	nextMail(ms?: number): Promise<string>;
	close(): Promise<void>;
}

/** A real SMTP server on loopback that keeps what it is sent, for tests of mailed links. */
export async function startSmtpSink(): Promise<SmtpSink> {
	const waiting: Array<(mail: string) => void> = [];
	const received: string[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, _session, done) {
			let raw = '';
			stream.setEncoding('utf8');
			stream.on('data', (chunk: string) => (raw += chunk));
			stream.on('end', () => {
				const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
				const waiter = waiting.shift();
				if (waiter) waiter(text);
				else received.push(text);
				done();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://127.0.0.1:${port}`,
		nextMail(ms = 10_000) {
			const ready = received.shift();
			if (ready !== undefined) return Promise.resolve(ready);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no mail within ${ms} ms`)), ms);
				waiting.push((mail) => {
					clearTimeout(timer);
					resolve(mail);
				});
			});
		},
		close: () => new Promise((resolve) => server.close(() => resolve()))
	};
}
