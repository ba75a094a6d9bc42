// The production server: adapter-node's handler behind Node's own HTTP server, so that the
// student API can be served before SvelteKit converts the request (src/lib/server/api/
// node-transport.ts; the reason is in docs/performance.md). The rest is what adapter-node's
// build/index.js would do: listen on PORT and HOST, and on SIGTERM/SIGINT drain for at most
// SHUTDOWN_TIMEOUT seconds, then emit `sveltekit:shutdown`. (The init hook has validated these
// variables before this file reads them.) Socket activation, IDLE_TIMEOUT, KEEP_ALIVE_TIMEOUT
// and HEADERS_TIMEOUT are not offered.
import http from 'node:http';
import process from 'node:process';

// Without ORIGIN, adapter-node takes the origin from the request's Host header and assumes
// https: form posts over plain http would fail SvelteKit's CSRF check, and any client could
// choose the origin. This is also the default of config.ts, which builds every link from it
// (and refuses PROTOCOL_HEADER without ORIGIN).
// A bad PORT is left alone, for the init hook to name (adapter-node would stop on the ORIGIN).
const port = process.env.PORT || '3000';
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER && /^\d+$/.test(port)) process.env.ORIGIN = `http://localhost:${port}`;
// Importing the handler runs SvelteKit's init hook: configuration, database, migrations.
const { handler } = await import('./build/handler.js');

/** @type {(req: http.IncomingMessage, res: http.ServerResponse) => boolean} */
const serveOverNode = /** @type {any} */ (globalThis)[Symbol.for('lesspiegel.serveOverNode')];
if (typeof serveOverNode !== 'function') throw new Error('the build did not expose the student API transport');

let draining = false;
const server = http.createServer((req, res) => {
	// A keep-alive connection would hold close() open: end each one once its request is done.
	req.once('close', () => draining && server.closeIdleConnections());
	if (!serveOverNode(req, res)) handler(req, res, () => res.writeHead(404).end());
});

const host = process.env.HOST || '0.0.0.0';
server.listen(Number(port), host, () => {
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	console.log(`Listening on http://${host}:${port}`);
});

/** @param {NodeJS.Signals} reason */
function shutdown(reason) {
	if (draining) return;
	draining = true;
	server.closeIdleConnections();
	const deadline = setTimeout(() => server.closeAllConnections(), Number(process.env.SHUTDOWN_TIMEOUT || 5) * 1000);
	server.close(() => {
		clearTimeout(deadline);
		process.emit(/** @type {any} */ ('sveltekit:shutdown'), reason);
	});
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
