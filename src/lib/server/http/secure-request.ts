import type { RequestEvent } from '@sveltejs/kit';
import { config } from '../config';

/**
 * Whether the browser reached us over https. adapter-node reports https for every request
 * unless ORIGIN or PROTOCOL_HEADER says otherwise, so the protocol is only trusted then.
 */
export function isSecureRequest(event: Pick<RequestEvent, 'url'>): boolean {
	const cfg = config();
	return event.url.protocol === 'https:' && Boolean(cfg.ORIGIN || cfg.PROTOCOL_HEADER);
}
