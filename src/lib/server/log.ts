import { config } from './config';

/**
 * Structured logs: one JSON object per line on stdout. Callers pass route ids, never raw
 * URLs, IP addresses or user agents: student routes carry join codes in their paths and
 * PRIVACY.md S1 keeps those out of every log.
 */
const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof levels;
type Fields = Record<string, string | number | boolean | null | undefined>;

function write(level: Level, message: string, fields: Fields = {}) {
	if (levels[level] < levels[config().LOG_LEVEL]) return;
	const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
	if (levels[level] >= levels.warn) console.error(line);
	else console.log(line);
}

export const log = {
	debug: (message: string, fields?: Fields) => write('debug', message, fields),
	info: (message: string, fields?: Fields) => write('info', message, fields),
	warn: (message: string, fields?: Fields) => write('warn', message, fields),
	error: (message: string, fields?: Fields) => write('error', message, fields)
};

/** An error as log fields: its message, and the driver's code (`57P01`, `ECONNREFUSED`) when it has one. */
export function errorFields(error: unknown): Fields {
	const code = (error as { code?: unknown } | null)?.code;
	return { error: String(error), code: typeof code === 'string' ? code : undefined };
}
