import type { Seen } from './findings';
import type { PrivacyReport } from './report';

type Locale = 'nl' | 'en';

/** What each check promises, in the words of PRIVACY.md, for the page and the printed report. */
export const checkTitles: Record<string, Record<Locale, string>> = {
	'schema.columns': {
		nl: 'De database bevat alleen de kolommen van de verwerkersovereenkomst (medewerkersgegevens en anonieme tellers)',
		en: 'The database holds only the columns of the processor agreement (staff data and anonymous counters)'
	},
	'schema.names': {
		nl: 'Geen tabel of kolom voor leerlingen, apparaten of losse inzendingen',
		en: 'No table or column for students, devices or single submissions'
	},
	'schema.addresses': {
		nl: 'IP-adressen staan alleen in het beveiligingslog van medewerkers',
		en: 'IP addresses are only in the staff security log'
	},
	'instance.reachable': { nl: 'De server is bereikbaar op zijn adres', en: 'The server answers at its address' },
	'instance.cookies': {
		nl: 'Leerlingpagina\'s en de leerling-API zetten geen cookie (S1)',
		en: 'Student pages and the student API set no cookie (S1)'
	},
	'instance.csp': {
		nl: 'Elke pagina heeft een Content-Security-Policy die niets van een andere site laadt (S8)',
		en: 'Every page has a Content-Security-Policy that loads nothing from another site (S8)'
	},
	'instance.third_party': { nl: 'Pagina\'s noemen geen bestand van een andere site (S8)', en: 'Pages name no file of another site (S8)' },
	'data.k_rule': {
		nl: 'Geen resultaat van minder dan k leerlingen is zichtbaar, in geen enkele ronde van de school (S4)',
		en: 'No result of fewer than k students is visible, in any round of the school (S4)'
	},
	'data.padding': {
		nl: 'Geen ronde heeft meer antwoorden dan haar groep leerlingen heeft (niemand antwoordde voor anderen)',
		en: 'No round has more answers than its group has students (nobody answered for others)'
	},
	'data.held_sealed': {
		nl: 'Antwoorden die wachten tot ze samen met die van anderen worden opgeteld, staan versleuteld en met hoogstens een paar per ronde in de database (S6)',
		en: 'Answers waiting to be added up together with others\' are stored encrypted, a few per round at most (S6)'
	},
	'data.terms': {
		nl: 'Geen woord van één leerling en geen woord dat op contactgegevens lijkt is zichtbaar (S7)',
		en: 'No word of a single student and no word that looks like contact data is visible (S7)'
	}
};

/** What a check looked at, in words. */
export function seenText(seen: Seen, locale: Locale): string {
	switch (seen.kind) {
		case 'schema':
			return locale === 'nl' ? `${seen.columns} kolommen in ${seen.tables} tabellen` : `${seen.columns} columns in ${seen.tables} tables`;
		case 'instance':
			return locale === 'nl' ? `${seen.requests} verzoeken van een leerling aan ${seen.origin}` : `${seen.requests} student requests to ${seen.origin}`;
		case 'data':
			return locale === 'nl'
				? `${seen.rounds} rondes, waarvan ${seen.hidden} verborgen onder k = ${seen.k}`
				: `${seen.rounds} rounds, ${seen.hidden} of them hidden below k = ${seen.k}`;
	}
}

const words = {
	nl: { title: 'Privacy-zelftest LesSpiegel', school: 'School', origin: 'Server', at: 'Datum', ok: 'in orde', failed: 'NIET in orde', all: 'Alle controles in orde.', some: 'Niet alle controles zijn in orde.' },
	en: { title: 'LesSpiegel privacy self-test', school: 'School', origin: 'Server', at: 'Date', ok: 'passed', failed: 'FAILED', all: 'All checks passed.', some: 'Not every check passed.' }
};

/** The report as plain text, for the command line and for filing. */
export function formatReport(report: PrivacyReport, locale: Locale): string {
	const w = words[locale];
	const lines = [w.title, `${w.school}: ${report.school}`, `${w.origin}: ${report.origin}`, `${w.at}: ${report.at.toISOString()}`, ''];
	for (const c of report.checks) {
		lines.push(`[${c.ok ? w.ok : w.failed}] ${checkTitles[c.id]?.[locale] ?? c.id} (${seenText(c.seen, locale)})`);
		for (const finding of c.findings) lines.push(`    - ${finding}`);
	}
	lines.push('', report.ok ? w.all : w.some);
	return lines.join('\n');
}
