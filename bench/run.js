#!/usr/bin/env node
// `npm run bench`: the write path at the limit of this machine (docs/performance.md).
// Builds the production server when stale, creates a database of its own on the PostgreSQL of
// BENCH_DATABASE_URL, starts the server on loopback, seeds rounds, drives virtual students from
// bench/load.js for two shapes (spread, hot), checks counted = acknowledged, runs pgbench with
// the equivalent one-transaction-per-submission SQL, and drops the database again.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { buildIfStale, root } from '../scripts/build-if-stale.js';
import { benchHarness } from './harness.js';
import { pageWeight, STUDENT_PAGE_BUDGET_BYTES } from './page-weight.js';
import { HOT_ROUND, seed, SPREAD_ROUNDS } from './seed.js';

const env = process.env;
const number = (/** @type {string} */ name, /** @type {number} */ fallback) => Number(env[name] || fallback);
const settings = {
	adminUrl: env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
	concurrency: number('BENCH_CONCURRENCY', 200),
	warmupMs: number('BENCH_WARMUP_S', 3) * 1000,
	durationMs: number('BENCH_DURATION_S', 20) * 1000,
	pgbenchSeconds: number('BENCH_PGBENCH_S', 15)
};
// The batch writer's knobs pass through to the server, so tuning needs no edit here.
const tunables = ['BATCH_WINDOW_MS', 'BATCH_MAX_SIZE', 'BATCH_CONCURRENCY', 'DB_POOL_SIZE', 'HEAP_GROWTH_PERCENT', 'NODE_OPTIONS'];

const harness = benchHarness(settings.adminUrl, 'lesspiegel_bench');

/** @param {number} pid */
function rssBytes(pid) {
	try {
		const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/** CPU seconds the process used so far (utime + stime; Linux clock ticks are 1/100 s). */
function cpuSeconds(/** @type {number} */ pid) {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return NaN;
	}
}

/** Runs bench/load.js against `codes` while sampling the server's RSS every 200 ms. */
function runLoad(/** @type {string} */ url, /** @type {string[]} */ codes, /** @type {number} */ serverPid) {
	const args = JSON.stringify({ url, codes, concurrency: settings.concurrency, warmupMs: settings.warmupMs, durationMs: settings.durationMs });
	const child = spawn(process.execPath, [path.join(root, 'bench', 'load.js'), args], { stdio: ['ignore', 'pipe', 'inherit'] });
	harness.children.add(child);
	let peakRss = rssBytes(serverPid);
	const cpuBefore = cpuSeconds(serverPid);
	const wallBefore = performance.now();
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(serverPid))), 200);
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	return new Promise((resolve, reject) => {
		child.once('exit', (code) => {
			clearInterval(sampler);
			harness.children.delete(child);
			if (code !== 0) return reject(new Error(`bench/load.js exited with code ${code}`));
			const wall = (performance.now() - wallBefore) / 1000;
			const load = JSON.parse(output);
			const serverCpu = cpuSeconds(serverPid) - cpuBefore;
			// CPU per submission drifts far less than submissions/s when other work shares the machine.
			resolve({ ...load, peakRss, serverCores: serverCpu / wall, serverCpuMs: (1000 * serverCpu) / load.acknowledged, loadCores: load.cpuSeconds / wall });
		});
	});
}

/**
 * @param {{ first: number; last: number }} rounds the seeded rounds the shape's students answer
 * @returns {number | null} transactions per second, null when pgbench is missing
 */
function pgbench(rounds) {
	const script = path.join(root, 'bench', 'pgbench-submission.sql');
	const args = ['-n', '-c', '32', '-j', '2', '-T', String(settings.pgbenchSeconds), '-D', `first=${rounds.first}`, '-D', `last=${rounds.last}`, '-f', script, harness.url];
	const result = spawnSync('pgbench', args, { encoding: 'utf8' });
	if (result.error) return null;
	const tps = /tps = ([\d.]+)/.exec(result.stdout);
	if (result.status !== 0 || !tps) throw new Error(`pgbench failed:\n${result.stdout}${result.stderr}`);
	return Number(tps[1]);
}

/** @param {import('postgres').Sql} sql @param {string[]} ids */
async function counted(sql, ids) {
	const [[tally], [answers]] = await Promise.all([
		sql`select coalesce(sum(n), 0)::int as n from round_tallies where round_id in ${sql(ids)}`,
		sql`select coalesce(sum(n), 0)::int as n from answer_counts where round_id in ${sql(ids)}`
	]);
	return { submissions: Number(tally?.n), answers: Number(answers?.n) };
}

const ms = (/** @type {number} */ value) => `${Math.round(value)} ms`;
const kb = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** The summary line of what a phone downloads for the home and the questionnaire page. */
async function studentPages(/** @type {string} */ url, /** @type {string} */ code) {
	const [home, questionnaire] = [await pageWeight(`${url}/`), await pageWeight(`${url}/r/${code}`)];
	const within = Math.max(home.bytes, questionnaire.bytes) <= STUDENT_PAGE_BUDGET_BYTES;
	return `student pages (HTML+CSS+JS, gzip): home ${kb(home.bytes)}, questionnaire ${kb(questionnaire.bytes)}, budget ${kb(STUDENT_PAGE_BUDGET_BYTES)} ${within ? 'OK' : 'EXCEEDED'}`;
}

async function main() {
	if (!buildIfStale()) throw new Error('the build failed; see the messages above');
	await harness.createDatabase();
	const passed = Object.fromEntries(tunables.filter((name) => env[name]).map((name) => [name, env[name]]));
	// The load comes from 32 loopback addresses; the per-address join limit is not what is measured.
	const server = await harness.startServer({ JOIN_MAX_PER_MINUTE: '100000', ...passed });
	const sql = postgres(harness.url, { max: 2, onnotice: () => {} });
	const rounds = await seed(sql);
	const knobs = tunables.map((name) => `${name}=${env[name] || 'default'}`).join(', ');
	console.log(`Database ${harness.name}; server ${server.url} (pid ${server.pid}); ${knobs}`);
	console.log(`${settings.concurrency} virtual students, ${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured per shape\n`);

	const summaries = [];
	let mismatch = false;
	for (const shape of /** @type {const} */ (['spread', 'hot'])) {
		const shapeRounds = rounds[shape];
		console.log(`${shape}: ${shapeRounds.length} open round(s), load running...`);
		const load = await runLoad(server.url, shapeRounds.map((r) => r.code), server.pid);
		const count = await counted(sql, shapeRounds.map((r) => r.id));
		const ok = count.submissions === load.acknowledged && count.answers === 10 * load.acknowledged;
		mismatch ||= !ok;
		console.log(`  acknowledged ${load.acknowledged}, counted ${count.submissions} (${count.answers} answers), refusals ${JSON.stringify(load.refusals)}, network errors ${load.networkErrors}`);
		console.log(
			`  max latency ${ms(load.max)}; CPU cores busy: server ${load.serverCores.toFixed(2)} (${load.serverCpuMs.toFixed(2)} ms per submission), load generator ${load.loadCores.toFixed(2)}; pgbench running...`
		);
		const tps = pgbench(shape === 'spread' ? { first: 1, last: SPREAD_ROUNDS } : { first: HOT_ROUND, last: HOT_ROUND });
		const ratio = tps ? load.perSecond / tps : null;
		summaries.push(
			`${shape}: ${Math.round(load.perSecond)} sub/s, p50 ${ms(load.p50)}, p95 ${ms(load.p95)}, p99 ${ms(load.p99)}, ` +
				`RSS ${Math.round(load.peakRss / 1048576)} MB, ` +
				(tps === null ? 'pgbench missing (no ratio)' : `pgbench ${Math.round(tps)} tps, ratio ${ratio?.toFixed(2)}`) +
				`, counted=acknowledged ${ok ? 'OK' : `MISMATCH (counted ${count.submissions}, answers ${count.answers}, acknowledged ${load.acknowledged})`}`
		);
	}
	await sql.end({ timeout: 5 });
	summaries.push(await studentPages(server.url, rounds.spread[0]?.code ?? ''));
	console.log(`\n${summaries.join('\n')}`);
	return mismatch ? 1 : 0;
}

let exitCode = 1;
try {
	exitCode = await main();
} catch (error) {
	if (!harness.cleaning) console.error(`bench failed: ${error instanceof Error ? error.message : error}`);
} finally {
	await harness.cleanUp();
}
process.exit(process.exitCode || exitCode);
