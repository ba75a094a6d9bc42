// The machine's own HTTP ceiling for the student API: a minimal node:http server that answers
// POST /api/v1/join and POST /api/v1/answers as the production server does on the wire (the
// same status codes, headers and body shapes as docs/api.md, a 201 with a 10-line `kept`
// receipt included) but with fixed bodies and no database, validation or batching. It reads
// and parses each body, as any JSON API must. bench/run.js drives it with the same load
// generator and concurrency as the app: app sub/s divided by this is what the app's database,
// batching and validation cost next to HTTP itself.
//
// Usage: HOST=127.0.0.1 PORT=<port> node bench/http-ceiling.js (prints "Listening on <url>").
import http from 'node:http';
import { QUESTIONS, questionId, roundId } from './seed.js';

const MAX_BODY_BYTES = 16 * 1024;
// What src/lib/server/api/respond.ts and http/security-headers.ts send with every reply (over http).
const headers = {
	'Content-Type': 'application/json',
	'Cache-Control': 'no-store',
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'same-origin',
	'X-Frame-Options': 'DENY',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()'
};

const questions = Array.from({ length: QUESTIONS }, (_, i) => ({ id: questionId(i + 1), type: 'agree5', prompt: `Vraag ${i + 1}`, options: null }));
const joined = JSON.stringify({
	round: { id: roundId(1) },
	questionnaire: { title: 'Lesspiegel', questions },
	ballot: 'C3x6Tj8dTCqejxorPE1ebw.q9L0c3Jj3m8y1WcX1o2tAA'
});
const kept = JSON.stringify({ ok: true, kept: questions.map((q) => ({ question: q.prompt, counter: 'Eens' })) });
const error = (/** @type {string} */ code, /** @type {string} */ message) => JSON.stringify({ error: { code, message } });

/** @type {Record<string, { status: number; body: string }>} */
const replies = {
	'/api/v1/join': { status: 200, body: joined },
	'/api/v1/answers': { status: 201, body: kept }
};

/** @param {http.ServerResponse} res @param {number} status @param {string} body */
function reply(res, status, body) {
	res.setHeader('Content-Length', Buffer.byteLength(body));
	res.writeHead(status, headers);
	res.end(body);
}

const server = http.createServer((req, res) => {
	const fixed = req.method === 'POST' ? replies[req.url?.split('?', 1)[0] ?? ''] : undefined;
	if (!fixed) return reply(res, 404, error('unknown', 'Niet gevonden.'));
	const chunks = /** @type {Buffer[]} */ ([]);
	let size = 0;
	req.on('data', (/** @type {Buffer} */ chunk) => {
		size += chunk.length;
		if (size <= MAX_BODY_BYTES) chunks.push(chunk);
	});
	req.once('end', () => {
		if (size > MAX_BODY_BYTES) return reply(res, 400, error('too_large', 'Het verzoek is te groot.'));
		try {
			JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
		} catch {
			return reply(res, 400, error('bad_request', 'Het verzoek klopt niet: JSON'));
		}
		reply(res, fixed.status, fixed.body);
	});
});

const host = process.env.HOST || '127.0.0.1';
server.listen(Number(process.env.PORT || 0), host, () => {
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	console.log(`Listening on http://${host}:${port}`);
});
process.on('SIGTERM', () => {
	server.close(() => process.exit(0));
	server.closeAllConnections();
});
