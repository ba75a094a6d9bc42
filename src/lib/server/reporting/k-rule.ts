/**
 * PRIVACY.md S4, the minimum group size k, as pure functions every report is built on.
 *
 * - `isShown(n, k)`: may an aggregate of n submissions be shown at all?
 * - `suppressTotals(total, parts, k)`: which of a total and its parts (a school and its groups,
 *   a group and its rounds) may be shown together, so that no suppressed part can be recovered
 *   by subtracting the shown parts from the shown total (complementary suppression).
 *
 * k is the school's `min_group_size`; callers pass it in, so these functions never read a database.
 */

/** An aggregate built from `n` submissions. */
export interface Counted {
	n: number;
}

/** An aggregate may be shown only when it is built from at least k submissions. */
export function isShown(n: number, k: number): boolean {
	return n >= k;
}

export interface Suppressed<T extends Counted, P extends Counted> {
	/** The total, or null when it must not be shown. */
	total: T | null;
	/** The parts that may be shown, in their original order. */
	parts: P[];
}

/**
 * Complementary suppression. Parts below k are suppressed; then, while the total's n minus the
 * sum of the shown parts' n is between 1 and k-1 (so the suppressed rest could be computed and
 * would be smaller than k), the smallest shown part is suppressed too, or the total when no
 * part is left. Afterwards, for a shown total, n minus the sum of its shown parts is 0 or >= k.
 *
 * The parts are expected to be disjoint pieces of the total (a submission counts in one part);
 * a rest that is not any part (e.g. submissions outside every listed group) is protected alike.
 */
export function suppressTotals<T extends Counted, P extends Counted>(total: T, parts: P[], k: number): Suppressed<T, P> {
	let shown = parts.filter((part) => isShown(part.n, k));
	let totalShown = isShown(total.n, k);
	const rest = () => total.n - shown.reduce((sum, part) => sum + part.n, 0);
	while (totalShown && rest() >= 1 && rest() < k) {
		if (shown.length === 0) {
			totalShown = false;
		} else {
			const smallest = shown.reduce((min, part, i) => (part.n < shown[min]!.n ? i : min), 0);
			shown = shown.filter((_, i) => i !== smallest);
		}
	}
	return { total: totalShown ? total : null, parts: shown };
}

/**
 * Two views of one aggregate over time - a live round's last snapshot and its final counts:
 * may the later (n = `later`) be shown after the earlier (n = `earlier`) was? Only when the
 * earlier was not shown, or the later adds no submission or at least k; else the later minus
 * the earlier would be the answers of fewer than k students.
 */
export function mayFollow(earlier: number, later: number, k: number): boolean {
	const added = later - earlier;
	return !isShown(earlier, k) || added === 0 || added >= k;
}
