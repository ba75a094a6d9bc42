import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Resolves once `port` on loopback accepts connections; rejects if `child` exits first or after `timeoutMs`. */
export async function untilListening(port: number, child: ChildProcess, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`port ${port} not open within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}
