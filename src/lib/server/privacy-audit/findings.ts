/** What a check looked at, for the report's words (titles.ts) in either language. */
export type Seen =
	| { kind: 'schema'; columns: number; tables: number }
	| { kind: 'instance'; requests: number; origin: string }
	| { kind: 'data'; rounds: number; hidden: number; k: number };

/** One check of the privacy self-test: what was checked, whether it held, and what was seen. */
export interface Check {
	/** Stable id, e.g. `schema.columns`; the report's text comes from it. */
	id: string;
	ok: boolean;
	/** What broke the rule, one technical line each; empty when `ok`. */
	findings: string[];
	seen: Seen;
}

export function check(id: string, findings: string[], seen: Seen): Check {
	return { id, ok: findings.length === 0, findings, seen };
}
