/** A failure the user can fix: printed as one line, without a stack trace. */
export class CliError extends Error {
	constructor(
		message: string,
		/** 2 for a wrong command line (as most tools do), 1 for everything else. */
		readonly exitCode = 1
	) {
		super(message);
	}
}
