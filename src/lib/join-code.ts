/**
 * Join codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a
 * class can read them off a projector and type them on a phone without mistakes.
 * Shared by the server and the param matcher; generation lives with rounds on the server.
 */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

const shape = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`);

/** What a student typed, as the canonical code: upper case, without spaces or dashes. */
export function normaliseJoinCode(input: string): string {
	return input.toUpperCase().replace(/[\s-]/g, '');
}

export function isJoinCode(value: string): boolean {
	return shape.test(value);
}
