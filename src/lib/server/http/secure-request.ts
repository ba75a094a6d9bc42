import type { RequestEvent } from '@sveltejs/kit';
import type { IncomingHttpHeaders } from 'node:http';
import { config } from '../config';

/**
 * Whether the browser reached us over https. adapter-node reports https for every request
 * unless ORIGIN or PROTOCOL_HEADER says otherwise, so the protocol is only trusted then.
 */
export function isSecureRequest(event: Pick<RequestEvent, 'url'>): boolean {
	const cfg = config();
	return event.url.protocol === 'https:' && Boolean(cfg.ORIGIN || cfg.PROTOCOL_HEADER);
}

/** The same answer for a request that never became a RequestEvent: ORIGIN first, as adapter-node does. */
export function isSecureNodeRequest(headers: IncomingHttpHeaders): boolean {
	const cfg = config();
	if (cfg.ORIGIN) return cfg.ORIGIN.startsWith('https:');
	return cfg.PROTOCOL_HEADER !== undefined && headers[cfg.PROTOCOL_HEADER] === 'https';
}
