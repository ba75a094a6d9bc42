import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BackupError } from '../lib/server/backup/format';
import { config, ConfigError } from '../lib/server/config';
import { startDatabase, stopDatabase } from '../lib/server/db';
import { DatabaseInUseError, type DatabaseHandle } from '../lib/server/db/client';
import { fields } from '../lib/server/http/form';
import { runPrivacyAudit } from '../lib/server/privacy-audit/report';
import { formatReport } from '../lib/server/privacy-audit/titles';
import { runRetention } from '../lib/server/retention';
import * as securityLog from '../lib/server/security-log';
import { backup, moveToPostgres, restore } from './backup';
import { createAdmin, resetPassword } from './commands';
import { describeDemo, seedDemo } from './demo';
import { CliError } from './errors';
import { readNewPassword } from './password';

/**
 * The command line for headless deployments: `npm run cli -- <command> [options]`.
 * It reads the same environment as the server and opens the database the same way.
 */

const usage = `Usage: npm run cli -- <command> [options]

Commands:
  create-admin --email E (--school "Name" | --school-id ID) [--first-name F] [--last-name L]
      Creates an admin in a new school (or an existing one by id).
  reset-password --email E
      Sets a new password and ends all sessions of that account.
  demo [--force-new-school]
      Fills a demo school with a year of answered rounds and prints its logins.
      Only on a database without staff, unless --force-new-school adds another one.
  retention
      Deletes what the retention periods say must go, once, and prints the counts.
  backup --to FILE
      Writes the whole database to FILE (gzip, readable by its owner only). On PostgreSQL
      it may run while the servers do: it reads one consistent moment.
  restore --from FILE [--force]
      Replaces the database's contents with the backup in FILE. Refused on a database that
      holds anything, unless --force; a file that is cut off or damaged changes nothing.
  security-log --since YYYY-MM-DD
      Prints every security-log entry since that day (UTC) as JSON lines: time, event,
      account, acting account, IP address. For a breach report to the school.
  privacy-audit --school-id ID [--origin URL] [--lang nl|en]
      Runs the privacy self-test against the running server at ORIGIN (or URL) and the
      database: the schema audit, cookies and CSP of the student side, the k rule on the
      school's data. Prints a dated report to file with the DPIA; exit code 1 if a check
      fails. With the embedded database use the school's privacy page instead (the CLI
      cannot open it while the server runs).
  move-to-postgres [--force]
      Copies the embedded database (DATA_DIR) into the PostgreSQL database named by
      TARGET_DATABASE_URL; then start the server with DATABASE_URL set to it.
  help
      Shows this text.

The password is read from LESSPIEGEL_PASSWORD, or typed (twice, not shown) on a terminal.
The database is the server's: DATABASE_URL, or else the embedded one in DATA_DIR (./data),
which cannot be opened while the server runs.`;

type Options = Record<string, string | undefined>;
type Flags = Record<string, boolean | undefined>;

/** Checks the options and reads the password before the database is opened, then runs. */
interface Command {
	options: string[];
	/** Options without a value. */
	flags?: string[];
	prepare(options: Options, flags: Flags): Promise<(handle: DatabaseHandle) => Promise<string | void>>;
}

const email = (value: string | undefined) => {
	const parsed = fields.email.safeParse(value ?? '');
	if (!parsed.success) throw new CliError(value ? `Not an e-mail address: ${value}` : 'Missing --email.', 2);
	return parsed.data;
};

const required = (value: string | undefined, option: string) => {
	if (!value) throw new CliError(`Missing ${option}.`, 2);
	return value;
};

const commands: Record<string, Command> = {
	'create-admin': {
		options: ['email', 'school', 'school-id', 'first-name', 'last-name'],
		async prepare(o) {
			const address = email(o.email);
			const schoolId = o['school-id'];
			const schoolName = o.school?.trim();
			if ((schoolName === undefined) === (schoolId === undefined)) {
				throw new CliError('Give either --school "Name" or --school-id ID.', 2);
			}
			if (schoolName === '') throw new CliError('The school name is empty.', 2);
			if (schoolId !== undefined && !z.uuid().safeParse(schoolId).success) throw new CliError(`Not a school id: ${schoolId}`, 2);
			const input = { email: address, firstName: o['first-name']?.trim(), lastName: o['last-name']?.trim(), schoolName, schoolId };
			const password = await readNewPassword();
			return async ({ db }) => {
				const school = await createAdmin(db, { ...input, password });
				return `Created admin ${address} in school "${school.schoolName}" (id ${school.schoolId}); two-step verification is set up at the first login.`;
			};
		}
	},
	'reset-password': {
		options: ['email'],
		async prepare(o) {
			const address = email(o.email);
			const password = await readNewPassword();
			return async ({ db }) => {
				await resetPassword(db, address, password);
				return `New password set for ${address}; all its sessions were ended.`;
			};
		}
	},
	demo: {
		options: [],
		flags: ['force-new-school'],
		async prepare(_options, flags) {
			const cfg = config();
			const origin = cfg.ORIGIN;
			return async ({ db }) => {
				const result = await seedDemo(db, {
					forceNewSchool: flags['force-new-school'],
					onProgress: (done, total) => {
						if (done % 10 === 0 || done === total) console.log(`Rounds ${done}/${total}...`);
					}
				});
				return describeDemo(result, origin);
			};
		}
	},
	backup: {
		options: ['to'],
		async prepare(o) {
			const file = required(o.to, '--to FILE');
			return (handle) => backup(handle, config(), file);
		}
	},
	restore: {
		options: ['from'],
		flags: ['force'],
		async prepare(o, flags) {
			const file = required(o.from, '--from FILE');
			return (handle) => restore(handle, config(), file, flags.force === true);
		}
	},
	'move-to-postgres': {
		options: [],
		flags: ['force'],
		async prepare(_options, flags) {
			return (handle) => moveToPostgres(handle, config(), flags.force === true);
		}
	},
	'security-log': {
		options: ['since'],
		async prepare(o) {
			const since = required(o.since, '--since YYYY-MM-DD');
			const from = /^\d{4}-\d{2}-\d{2}$/.test(since) ? new Date(`${since}T00:00:00Z`) : new Date(Number.NaN);
			if (Number.isNaN(from.getTime())) throw new CliError(`Not a day (YYYY-MM-DD): ${since}`, 2);
			return async ({ db }) => {
				const entries = await securityLog.since(db, from);
				for (const entry of entries) console.log(JSON.stringify({ ...entry, at: entry.at.toISOString() }));
				// Standard output stays JSON lines, for a file or jq.
				console.error(`${entries.length} entries since ${since}.`);
			};
		}
	},
	'privacy-audit': {
		options: ['school-id', 'origin', 'lang'],
		async prepare(o) {
			const schoolId = required(o['school-id'], '--school-id ID');
			const origin = o.origin ?? config().ORIGIN;
			if (!URL.canParse(origin)) throw new CliError(`Not a URL: ${origin}`, 2);
			const lang = o.lang ?? 'nl';
			if (lang !== 'nl' && lang !== 'en') throw new CliError(`--lang is nl or en, not ${lang}`, 2);
			return async ({ db }) => {
				const report = await runPrivacyAudit({ db, schoolId, fetcher: fetch, origin: new URL(origin).origin });
				if (!report) throw new CliError(`No school with id ${schoolId}.`, 2);
				console.log(formatReport(report, lang));
				if (!report.ok) throw new CliError('Not every check passed (see above).', 1);
			};
		}
	},
	retention: {
		options: [],
		async prepare() {
			return async ({ db }) => {
				const counts = await runRetention(db, config());
				return `Deleted: ${Object.entries(counts)
					.map(([kind, n]) => `${kind} ${n}`)
					.join(', ')}.`;
			};
		}
	}
};

function parse(argv: string[]): { command: Command; options: Options; flags: Flags } | null {
	const [name, ...rest] = argv;
	if (!name || name === 'help' || name === '--help' || name === '-h') return null;
	const command = commands[name];
	if (!command) throw new CliError(`Unknown command "${name}"; try "help".`, 2);
	try {
		const { values } = parseArgs({
			args: rest,
			options: Object.fromEntries([
				...command.options.map((o) => [o, { type: 'string' as const }]),
				...(command.flags ?? []).map((f) => [f, { type: 'boolean' as const }])
			]),
			strict: true,
			allowPositionals: false
		});
		const given = values as Record<string, string | boolean | undefined>;
		const flags = Object.fromEntries((command.flags ?? []).map((f) => [f, given[f] === true]));
		return { command, options: given as Options, flags };
	} catch (error) {
		// Node's messages are one sentence, sometimes with a hint after it: keep the sentence.
		throw new CliError(`${name}: ${String((error as Error).message).split('\n')[0]}`, 2);
	}
}

async function main(argv: string[]): Promise<void> {
	const parsed = parse(argv);
	if (!parsed) {
		console.log(usage);
		return;
	}
	const cfg = config();
	const run = await parsed.command.prepare(parsed.options, parsed.flags);
	const handle = await startDatabase(cfg);
	try {
		const said = await run(handle);
		if (said) console.log(said);
	} finally {
		await stopDatabase();
	}
}

/** One line for anything unexpected too: the innermost cause, not a query with its parameters. */
function describe(error: unknown): string {
	if (error instanceof CliError || error instanceof ConfigError || error instanceof DatabaseInUseError || error instanceof BackupError) return error.message;
	let inner = error;
	while (inner instanceof Error && inner.cause) inner = inner.cause;
	return `unexpected error: ${String(inner instanceof Error ? inner.message : inner).split('\n')[0]}`;
}

try {
	await main(process.argv.slice(2));
} catch (error) {
	console.error(`lesspiegel: ${describe(error)}`);
	process.exitCode = error instanceof CliError ? error.exitCode : 1;
}
