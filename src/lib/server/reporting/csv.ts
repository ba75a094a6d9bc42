/**
 * CSV for every export. A field that a spreadsheet would run as a formula (=, +, -, @, or a
 * leading tab or return) is prefixed with a quote, so an export never executes anything.
 */
export function csvField(value: string | number | null): string {
	if (value === null) return '';
	if (typeof value === 'number') return String(value);
	const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvRow = (values: Array<string | number | null>) => values.map(csvField).join(',');

/** Lines joined as RFC 4180 wants them: CRLF, and one after the last line. */
export const csvDocument = (lines: string[]) => `${lines.join('\r\n')}\r\n`;
