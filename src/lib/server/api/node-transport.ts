import type { IncomingMessage, ServerResponse } from 'node:http';
import { config } from '../config';
import { servedOverHttps } from '../http/secure-request';
import { securityHeaderValues, strictTransportSecurity } from '../http/security-headers';
import { errorFields, log } from '../log';
import { MAX_BODY_BYTES, apiReplyHeaders, type ApiReply, type Endpoint } from './respond';
import { studentEndpoints } from './student-endpoints';

/**
 * The student API served straight from Node's request, before SvelteKit turns it into a
 * Request: that conversion, the Response written back and SvelteKit's per-request context
 * took about two thirds of the server's CPU per submission (docs/performance.md). Only JSON
 * posts to the two endpoints come here; anything else (a form post, a wrong method, a
 * trailing slash) goes to SvelteKit, which answers it as before, CSRF check included.
 */
export function serveOverNode(req: IncomingMessage, res: ServerResponse): boolean {
	if (req.method !== 'POST' || !req.headers['content-type']?.startsWith('application/json')) return false;
	const path = req.url?.split('?', 1)[0] ?? '';
	const endpoint = studentEndpoints.get(path);
	if (!endpoint) return false;
	void serve(endpoint, path, req, res);
	return true;
}

/** Built once: they are the same for every reply. */
const replyHeaders = { ...apiReplyHeaders, ...securityHeaderValues };
const secureReplyHeaders = { ...replyHeaders, 'Strict-Transport-Security': strictTransportSecurity };

async function serve(endpoint: Endpoint, route: string, req: IncomingMessage, res: ServerResponse) {
	const started = performance.now();
	let reply: ApiReply;
	try {
		reply = await endpoint({ body: await readBody(req), acceptLanguage: req.headers['accept-language'] ?? null, clientAddress: () => clientAddress(req) });
	} catch (error) {
		log.error('student API request failed', { route, ...errorFields(error) });
		reply = { status: 500, body: '{"error":{"code":"internal","message":"Internal Error"}}' };
	}
	if (res.destroyed) return;
	res.setHeader('Content-Length', Buffer.byteLength(reply.body));
	res.writeHead(reply.status, servedOverHttps() ? secureReplyHeaders : replyHeaders);
	res.end(reply.body);
	log.debug('request', { method: 'POST', route, status: reply.status, ms: Math.round(performance.now() - started) });
}

/** The body as text, or null once it passes MAX_BODY_BYTES (the rest is not read). */
function readBody(req: IncomingMessage): Promise<string | null> {
	if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.resolve(null);
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				req.removeAllListeners('data');
				req.resume();
				resolve(null);
			} else chunks.push(chunk);
		});
		req.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
		req.once('error', reject);
	});
}

/** adapter-node's rule for the client address (ADDRESS_HEADER, XFF_DEPTH), used by the join limit. */
function clientAddress(req: IncomingMessage): string {
	const { ADDRESS_HEADER: header, XFF_DEPTH: depth } = config();
	if (!header) return req.socket.remoteAddress ?? '';
	const value = req.headers[header];
	if (typeof value !== 'string') throw new Error(`ADDRESS_HEADER=${header} is absent from the request`);
	if (header !== 'x-forwarded-for') return value;
	const addresses = value.split(',');
	if (depth > addresses.length) throw new Error(`XFF_DEPTH is ${depth}, but the request names only ${addresses.length} addresses`);
	return addresses[addresses.length - depth]!.trim();
}

/**
 * The production server (server.js) is not part of SvelteKit's bundle, so it finds this
 * transport here once SvelteKit's init has run; under `vite dev` nothing looks for it.
 */
const nodeTransportKey = Symbol.for('lesspiegel.serveOverNode');

export function exposeNodeTransport(): void {
	(globalThis as Record<symbol, unknown>)[nodeTransportKey] = serveOverNode;
}
