import { passwordProblem } from '../lib/server/auth/passwords';
import { CliError } from './errors';

const ENV_NAME = 'LESSPIEGEL_PASSWORD';

/**
 * The new password: from LESSPIEGEL_PASSWORD (scripts, containers), else typed twice on a
 * terminal without echo. Never an argument, which would land in the shell history and `ps`.
 */
export async function readNewPassword(): Promise<string> {
	const password = process.env[ENV_NAME] || (await promptTwice());
	const problem = passwordProblem(password);
	if (problem === 'too_short') throw new CliError('The password is too short (at least 10 characters).');
	if (problem === 'too_long') throw new CliError('The password is too long (at most 256 characters).');
	if (problem === 'too_common') throw new CliError('The password is too common; choose another.');
	return password;
}

async function promptTwice(): Promise<string> {
	if (!process.stdin.isTTY) throw new CliError(`Set ${ENV_NAME}, or run this in a terminal to type the password.`);
	const first = await promptHidden('New password: ');
	const second = await promptHidden('Repeat the password: ');
	if (first !== second) throw new CliError('The passwords do not match.');
	return first;
}

/** Reads one line in raw mode, echoing nothing. */
function promptHidden(question: string): Promise<string> {
	const stdin = process.stdin;
	process.stdout.write(question);
	stdin.setRawMode(true);
	stdin.setEncoding('utf8');
	stdin.resume();
	let value = '';
	return new Promise((resolve, reject) => {
		const finish = (result: () => void) => {
			stdin.off('data', onData);
			stdin.setRawMode(false);
			stdin.pause();
			process.stdout.write('\n');
			result();
		};
		const onData = (chunk: string) => {
			for (const char of chunk) {
				if (char === '\r' || char === '\n') return finish(() => resolve(value));
				// Ctrl-C and Ctrl-D: raw mode swallows the signal, so stop here.
				if (char === '\u0003' || char === '\u0004') return finish(() => reject(new CliError('Cancelled.')));
				if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
				else value += char;
			}
		};
		stdin.on('data', onData);
	});
}
