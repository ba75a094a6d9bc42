import { config } from '../config';

/**
 * Whether browsers reach us over https: what ORIGIN says, never what a request claims
 * (adapter-node reports https for every request when ORIGIN is unset). It decides HSTS and
 * the `__Host-` session cookie.
 */
export function servedOverHttps(): boolean {
	return config().ORIGIN.startsWith('https:');
}
