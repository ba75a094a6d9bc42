// The load generator, run by bench/run.js in a process of its own so its CPU use shows up as
// a separate process rather than inside the measuring one. Virtual students loop: join with a
// round's code, then submit 10 answers. Prints one JSON line with the results on stdout, with
// the generator's own CPU time (when it keeps a core busy, it is the limit, not the server).
//
// Usage: node bench/load.js '<json>' with {url, codes, concurrency, sockets, warmupMs, durationMs}.
import http from 'node:http';

/** @type {{ url: string; codes: string[]; concurrency: number; sockets: number; warmupMs: number; durationMs: number }} */
const options = JSON.parse(process.argv[2] ?? '{}');
const target = new URL(options.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
	console.error('bench/load.js targets loopback only');
	process.exit(2);
}

// Joins are rate limited per client address; spreading the students over several loopback
// source addresses (all of 127/8 is local on Linux) keeps the limit out of the measurement.
// The open sockets are bounded, as a TLS proxy in front of the server bounds its upstream
// connections: beyond `sockets`, a student's request waits for a free connection, and that
// wait counts in its latency.
const SOURCE_ADDRESSES = 32;
const maxSockets = Math.max(1, Math.ceil(options.sockets / SOURCE_ADDRESSES));
const agents = Array.from({ length: SOURCE_ADDRESSES }, () => new http.Agent({ keepAlive: true, maxSockets }));

/**
 * @param {number} student
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<{ status: number; body: string }>}
 */
function post(student, path, body) {
	const payload = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const request = http.request(
			{
				host: target.hostname,
				port: target.port,
				path,
				method: 'POST',
				agent: agents[student % SOURCE_ADDRESSES],
				localAddress: target.hostname === '[::1]' ? undefined : `127.0.0.${2 + (student % SOURCE_ADDRESSES)}`,
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
				timeout: 30_000
			},
			(response) => {
				let text = '';
				response.setEncoding('utf8');
				response.on('data', (chunk) => (text += chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
				response.on('error', reject);
			}
		);
		request.on('timeout', () => request.destroy(new Error('timeout')));
		request.on('error', reject);
		request.end(payload);
	});
}

const started = performance.now();
const measureFrom = started + options.warmupMs;
const stopAt = measureFrom + options.durationMs;

let acknowledged = 0;
let acknowledgedInWindow = 0;
/** @type {number[]} */
const latencies = [];
/** Join latencies, only reported: a student's cycle is join then answer, so in a closed loop both set the rate. @type {number[]} */
const joinLatencies = [];
/** @type {Record<string, number>} */
const refusals = {};
let networkErrors = 0;

/** @param {string} what */
const refuse = (what) => (refusals[what] = (refusals[what] ?? 0) + 1);

/** @param {number} student */
async function virtualStudent(student) {
	let round = student % options.codes.length;
	while (performance.now() < stopAt) {
		const code = options.codes[round];
		round = (round + options.concurrency) % options.codes.length;
		try {
			const joinSent = performance.now();
			const joined = await post(student, '/api/v1/join', { code });
			if (joinSent >= measureFrom && joinSent <= stopAt) joinLatencies.push(performance.now() - joinSent);
			if (joined.status !== 200) {
				refuse(`join ${joined.status}`);
				continue;
			}
			const { ballot, questionnaire } = JSON.parse(joined.body);
			/** @type {Record<string, number>} */
			const answers = {};
			for (const question of questionnaire.questions) answers[question.id] = 1 + Math.floor(Math.random() * 5);
			const sent = performance.now();
			const submitted = await post(student, '/api/v1/answers', { ballot, answers });
			const done = performance.now();
			if (submitted.status !== 201) {
				refuse(`answers ${submitted.status}`);
				continue;
			}
			acknowledged += 1;
			// Throughput counts the acknowledgements of the measured window; the percentiles the
			// answers sent in it, however late they came (with latencies of seconds at 2,000
			// students, "sent and answered in the window" would keep only the fast ones).
			if (done >= measureFrom && done <= stopAt) acknowledgedInWindow += 1;
			if (sent >= measureFrom && sent <= stopAt) latencies.push(done - sent);
		} catch {
			// An answer lost in transit may or may not have been counted: reported, never guessed.
			networkErrors += 1;
		}
	}
}

await Promise.all(Array.from({ length: options.concurrency }, (_, i) => virtualStudent(i)));
for (const agent of agents) agent.destroy();

latencies.sort((a, b) => a - b);
joinLatencies.sort((a, b) => a - b);
/** @param {number} p @param {number[]} sorted */
const percentile = (p, sorted = latencies) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
process.stdout.write(
	JSON.stringify({
		acknowledged,
		acknowledgedInWindow,
		perSecond: acknowledgedInWindow / (options.durationMs / 1000),
		p50: percentile(50),
		p95: percentile(95),
		p99: percentile(99),
		max: latencies.at(-1) ?? NaN,
		joinP50: percentile(50, joinLatencies),
		joinP99: percentile(99, joinLatencies),
		refusals,
		networkErrors,
		cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6
	}) + '\n'
);
