import nodemailer, { type Transporter } from 'nodemailer';
import { config } from './config';
import { log } from './log';

/**
 * Plain-text e-mail through the configured SMTP server. Without SMTP_URL nothing is sent and
 * the caller shows the link to the staff member who asked for it instead. Addresses and links
 * are never logged: a link is as good as a password until it is used.
 */

export interface Mail {
	to: string;
	subject: string;
	text: string;
}

let transport: Transporter | undefined;

export function isConfigured(): boolean {
	return config().SMTP_URL !== undefined;
}

/** True when the SMTP server accepted the mail; never throws. */
export async function send(mail: Mail): Promise<boolean> {
	const url = config().SMTP_URL;
	if (!url) return false;
	try {
		// Short timeouts: the staff member who invites waits for this answer.
		transport ??= nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
		await transport.sendMail({ from: config().MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text });
		return true;
	} catch (error) {
		const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : 'unknown';
		log.warn('mail not sent', { code });
		return false;
	}
}

/*
 * The texts live here rather than in messages/*.json: the mail goes out in both languages at
 * once (the recipient's language is unknown), and this module must also work from the CLI
 * bundle, which has no Paraglide.
 */

const roleNames: Record<string, [nl: string, en: string]> = {
	admin: ['beheerder', 'administrator'],
	school_leader: ['schoolleider', 'school leader'],
	care_coordinator: ['intern begeleider', 'care coordinator'],
	teacher: ['leraar', 'teacher']
};

export function invitationMail(input: { to: string; schoolName: string; role: string; link: string; hours: number }): Mail {
	const [roleNl, roleEn] = roleNames[input.role] ?? [input.role, input.role];
	return {
		to: input.to,
		subject: `Uitnodiging voor LesSpiegel / Invitation to LesSpiegel`,
		text: [
			`Je bent uitgenodigd voor LesSpiegel als ${roleNl} bij ${input.schoolName}.`,
			`Open deze link om je account te maken of je bestaande account toe te voegen:`,
			input.link,
			`De link werkt één keer en verloopt na ${input.hours} uur.`,
			'',
			'---',
			'',
			`You have been invited to LesSpiegel as ${roleEn} at ${input.schoolName}.`,
			`Open this link to create your account or add your existing account:`,
			input.link,
			`The link works once and expires in ${input.hours} hours.`,
			'',
			'Verwachtte je deze mail niet? Dan kun je hem negeren. / Not expecting this? You can ignore it.'
		].join('\n')
	};
}

export function passwordResetMail(input: { to: string; link: string; minutes: number }): Mail {
	return {
		to: input.to,
		subject: `Nieuw wachtwoord voor LesSpiegel / New password for LesSpiegel`,
		text: [
			'Er is gevraagd om een nieuw wachtwoord voor je LesSpiegel-account. Kies het via deze link:',
			input.link,
			`De link werkt één keer en verloopt na ${input.minutes} minuten.`,
			'',
			'---',
			'',
			'Someone asked for a new password for your LesSpiegel account. Choose it through this link:',
			input.link,
			`The link works once and expires in ${input.minutes} minutes.`,
			'',
			'Heb je dit niet zelf gevraagd? Negeer deze mail; je wachtwoord blijft hetzelfde.',
			'Did not ask for this? Ignore this mail; your password stays the same.'
		].join('\n')
	};
}
