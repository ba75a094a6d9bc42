import { describe, expect, it } from 'vitest';
import { parsePeriod, yearChoices } from '../../src/lib/server/reporting/period';

const at = (query: string, now = new Date('2026-03-10T12:00:00Z')) => parsePeriod(new URL(`http://x/dashboard${query}`), now);
const range = (query: string) => {
	const { period } = at(query);
	return [period.from.toISOString().slice(0, 10), period.to.toISOString().slice(0, 10)];
};

describe('report periods', () => {
	it('defaults to the school year that holds today (1 August to 31 July)', () => {
		expect(at('')).toMatchObject({ year: 2025, term: null, from: '2025-08-01', to: '2026-07-31', invalid: false, query: 'year=2025' });
		expect(at('', new Date('2026-08-01T00:00:00Z'))).toMatchObject({ year: 2026, from: '2026-08-01' });
		expect(at('', new Date('2026-07-31T23:59:59Z'))).toMatchObject({ year: 2025 });
	});

	it('has three terms of four months that cover the school year without gap or overlap', () => {
		expect(range('?year=2025&term=1')).toEqual(['2025-08-01', '2025-12-01']);
		expect(range('?year=2025&term=2')).toEqual(['2025-12-01', '2026-04-01']);
		expect(range('?year=2025&term=3')).toEqual(['2026-04-01', '2026-08-01']);
		expect(at('?year=2025&term=2')).toMatchObject({ year: 2025, term: 2, from: '2025-12-01', to: '2026-03-31', query: 'year=2025&term=2' });
		// An empty term select means the whole year.
		expect(at('?year=2024&term=')).toMatchObject({ year: 2024, term: null, query: 'year=2024' });
	});

	it('takes custom dates with the end day included', () => {
		expect(range('?from=2026-01-05&to=2026-01-09')).toEqual(['2026-01-05', '2026-01-10']);
		expect(at('?from=2026-01-05&to=2026-01-09')).toMatchObject({ year: null, term: null, query: 'from=2026-01-05&to=2026-01-09' });
	});

	it('falls back to the current school year, saying so, on anything else', () => {
		for (const bad of ['?year=2025&term=0', '?year=2025&term=4', '?year=1999', '?from=2026-02-01&to=2026-01-01', '?from=2026-02-30x&to=2026-03-01', '?year=2025&from=2026-01-01&to=2026-01-02', '?term=1']) {
			expect(at(bad), bad).toMatchObject({ year: 2025, term: null, invalid: true });
		}
	});

	it('offers the current school year and the four before it', () => {
		expect(yearChoices(new Date('2026-09-01T00:00:00Z'))).toEqual([2026, 2025, 2024, 2023, 2022]);
	});
});
