import { z } from 'zod';

/**
 * A LesSpiegel backup: gzip-compressed JSON lines. The first line is the header, then one line
 * per row, `["table",{...row as row_to_json gives it}]`, grouped by table in the header's order
 * (each table after those its foreign keys point at), then `{"end":true,"rows":N}`, so a cut-off
 * file is told apart from a whole one. The same file restores on either engine.
 */

export const BACKUP_FORMAT = 'lesspiegel-backup';

export const backupHeader = z.object({
	format: z.literal(BACKUP_FORMAT),
	version: z.literal(1),
	createdAt: z.iso.datetime(),
	engine: z.enum(['postgres', 'pglite']),
	/** The migrations the database had, oldest first: the schema the rows fit. */
	migrations: z.array(z.string().min(1)),
	tables: z.array(z.object({ name: z.string().regex(/^[a-z_][a-z0-9_]*$/), rows: z.number().int().min(0) }))
});

export type BackupHeader = z.infer<typeof backupHeader>;

export const backupEnd = z.object({ end: z.literal(true), rows: z.number().int().min(0) });

/** The prefix of a row line of `table`; what follows it, up to the closing `]`, is the row. */
export const rowLinePrefix = (table: string) => `[${JSON.stringify(table)},`;

/** Called as rows are written or read: per table, how many so far of how many in all. */
export type BackupProgress = (table: string, done: number, total: number) => void;

/** A backup or restore refused before anything changed, or a file that is not a whole backup. */
export class BackupError extends Error {}
