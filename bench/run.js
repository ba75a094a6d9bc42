#!/usr/bin/env node
// `npm run bench`: the write path at the limit of this machine (docs/performance.md).
// Builds the production server when stale and, for each number of virtual students (200, 1,000,
// 2,000), drives the same load from bench/load.js at four targets: the machine's HTTP ceiling
// (bench/http-ceiling.js, no database), the server on PostgreSQL in two shapes (spread, hot), and
// the server as `npm start` runs it, on an embedded PGlite folder (embedded). Checks counted =
// acknowledged for every shape and step, runs pgbench with the equivalent
// one-transaction-per-submission SQL, prints the targets as met or not met, and drops its
// database and folder again.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { buildIfStale, root, serverEntry } from '../scripts/build-if-stale.js';
import { benchHarness } from './harness.js';
import { pageWeight, STUDENT_PAGE_BUDGET_BYTES } from './page-weight.js';
import { counted, EMBEDDED_ROUNDS, HOT_ROUND, QUESTIONS, seed, SPREAD_ROUNDS, viaPglite, viaPostgres } from './seed.js';

const SHAPES = /** @type {const} */ (['ceiling', 'spread', 'hot', 'embedded']);
/** @typedef {typeof SHAPES[number]} Shape */

const env = process.env;
const number = (/** @type {string} */ name, /** @type {number} */ fallback) => Number(env[name] || fallback);
const list = (/** @type {string} */ name, /** @type {string} */ fallback) => (env[name] || fallback).split(',').map((item) => item.trim()).filter(Boolean);
const settings = {
	adminUrl: env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
	students: list('BENCH_STUDENTS', '200,1000,2000').map(Number),
	sockets: number('BENCH_SOCKETS', 256),
	shapes: list('BENCH_SHAPES', SHAPES.join(',')),
	warmupMs: number('BENCH_WARMUP_S', 3) * 1000,
	durationMs: number('BENCH_DURATION_S', 20) * 1000,
	pgbenchSeconds: number('BENCH_PGBENCH_S', 15),
	// For profiling the app servers: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written when a server stops).
	serverNodeArgs: (env.BENCH_SERVER_NODE_ARGS || '').split(/\s+/).filter(Boolean)
};
const unknownShape = settings.shapes.find((shape) => !(/** @type {readonly string[]} */ (SHAPES).includes(shape)));
if (unknownShape) throw new Error(`BENCH_SHAPES: unknown shape ${unknownShape} (known: ${SHAPES.join(', ')})`);
if (settings.students.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('BENCH_STUDENTS: a comma-separated list of positive integers');
const runs = (/** @type {Shape} */ shape) => settings.shapes.includes(shape);

// The batch writer's knobs pass through to the server, so tuning needs no edit here.
const tunables = ['BATCH_WINDOW_MS', 'BATCH_MAX_SIZE', 'BATCH_CONCURRENCY', 'DB_POOL_SIZE', 'HEAP_GROWTH_PERCENT', 'NODE_OPTIONS'];
const passed = Object.fromEntries(tunables.filter((name) => env[name]).map((name) => [name, env[name]]));
// The load comes from 32 loopback addresses; the per-address join limit is not what is measured.
const serverEnv = { JOIN_MAX_PER_MINUTE: '100000', ...passed };
// `npm start`'s configuration: no DATABASE_URL, so PGlite in DATA_DIR.
const embeddedEnv = () => ({ ...serverEnv, DATABASE_URL: undefined, DATA_DIR: dataDir });

const harness = benchHarness(settings.adminUrl, 'lesspiegel_bench');
/** The embedded shape's DATA_DIR; removed on exit, also after a failure or Ctrl-C. */
let dataDir = '';
process.on('exit', () => dataDir && rmSync(dataDir, { recursive: true, force: true }));

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

/**
 * @typedef {{ acknowledged: number; acknowledgedInWindow: number; perSecond: number; p50: number; p95: number; p99: number; max: number; joinP50: number; joinP99: number;
 *   refusals: Record<string, number>; networkErrors: number; cpuSeconds: number; peakRss: number; serverCores: number; serverCpuMs: number; loadCores: number }} Load
 */

/**
 * Runs bench/load.js with `students` against `codes` while sampling the server's RSS every 200 ms.
 * @param {string} url @param {string[]} codes @param {number} students @param {number} serverPid
 * @returns {Promise<Load>}
 */
function runLoad(url, codes, students, serverPid) {
	const args = JSON.stringify({ url, codes, concurrency: students, sockets: settings.sockets, warmupMs: settings.warmupMs, durationMs: settings.durationMs });
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

/**
 * What PostgreSQL spent so far on the bench database: the CPU seconds of its backends (this
 * machine's /proc; the background writers are shared with other databases and left out) and
 * the WAL position (cluster-wide: an upper bound when other work writes to the same server),
 * and its commits (the statistics reach pg_stat_database within about a second: roughly).
 * @param {import('postgres').Sql} sql
 */
async function databaseSample(sql) {
	const backends = await sql`select pid from pg_stat_activity where datname = current_database()`;
	const [totals] = await sql`
		select pg_current_wal_lsn() - '0/0'::pg_lsn as wal, xact_commit as commits
		from pg_stat_database where datname = current_database()`;
	return { cpu: new Map(backends.map(({ pid }) => [Number(pid), cpuSeconds(Number(pid))])), walBytes: Number(totals?.wal), commits: Number(totals?.commits) };
}

/**
 * PostgreSQL's cost per acknowledged submission between two samples: backend CPU ms and WAL bytes.
 * @param {Awaited<ReturnType<typeof databaseSample>>} before @param {Awaited<ReturnType<typeof databaseSample>>} after @param {number} acknowledged
 */
function databaseCost(before, after, acknowledged) {
	let cpu = 0;
	// A backend that started during the load counts from zero; one that ended is missed (the pool keeps its connections).
	for (const [pid, seconds] of after.cpu) if (Number.isFinite(seconds)) cpu += seconds - (before.cpu.get(pid) ?? 0);
	const per = (/** @type {number} */ total) => total / acknowledged;
	return { cpuMs: per(1000 * cpu), walBytes: per(after.walBytes - before.walBytes), commits: per(after.commits - before.commits) };
}

/**
 * Opens the embedded database folder in this process (only while no server holds it).
 * @template T @param {(db: import('./seed.js').BenchDb) => Promise<T>} use
 */
async function withPglite(use) {
	const pg = new PGlite(dataDir);
	try {
		return await use(viaPglite(pg));
	} finally {
		await pg.close();
	}
}

/**
 * counted = acknowledged, from the counts before and after a step. `lost`: acknowledged but not
 * counted. `extra`: counted but not acknowledged, which a network error may explain (the client
 * gave up, the server committed); beyond those, and any answer counter off 10 per submission,
 * something was counted twice.
 * @param {{ submissions: number; answers: number }} before @param {{ submissions: number; answers: number }} after @param {Load} load
 */
function check(before, after, load) {
	const submissions = after.submissions - before.submissions;
	const answers = after.answers - before.answers;
	const exact = submissions === load.acknowledged && answers === QUESTIONS * load.acknowledged;
	const lost = Math.max(0, load.acknowledged - submissions);
	const extra = Math.max(0, submissions - load.acknowledged);
	const doubled = Math.max(0, extra - load.networkErrors) + (answers === QUESTIONS * submissions ? 0 : 1);
	return { submissions, answers, exact, lost, extra, doubled };
}

/** @typedef {{ shape: Shape; students: number; load: Load; count?: ReturnType<typeof check>; database?: ReturnType<typeof databaseCost> }} Result */

const ms = (/** @type {number} */ value) => `${Math.round(value)} ms`;
const mb = (/** @type {number} */ bytes) => `${Math.round(bytes / 1048576)} MB`;
const kb = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** @param {Result} result */
function describe({ shape, students, load, count, database }) {
	const server = shape === 'ceiling' ? 'ceiling server' : 'server';
	const counts = count
		? `; acknowledged ${load.acknowledged}, counted ${count.submissions} (${count.answers} answers) ${count.exact ? 'OK' : `MISMATCH (lost ${count.lost}, counted without acknowledgement ${count.extra})`}`
		: '';
	return (
		`${shape} @${students}: ${Math.round(load.perSecond)} sub/s, p50 ${ms(load.p50)}, p95 ${ms(load.p95)}, p99 ${ms(load.p99)}, max ${ms(load.max)} (join p50 ${ms(load.joinP50)}, p99 ${ms(load.joinP99)}), ` +
		`RSS ${mb(load.peakRss)}; CPU cores: ${server} ${load.serverCores.toFixed(2)} (${load.serverCpuMs.toFixed(2)} ms/sub), generator ${load.loadCores.toFixed(2)}` +
		(database ? `; PostgreSQL backends ${database.cpuMs.toFixed(2)} ms/sub, WAL ${kb(database.walBytes)}/sub, ${database.commits.toFixed(3)} commits/sub` : '') +
		`${counts}; refusals ${JSON.stringify(load.refusals)}, network errors ${load.networkErrors}`
	);
}

/** The summary line of what a phone downloads for the home and the questionnaire page. */
async function studentPages(/** @type {string} */ url, /** @type {string} */ code) {
	const [home, questionnaire] = [await pageWeight(`${url}/`), await pageWeight(`${url}/r/${code}`)];
	const within = Math.max(home.bytes, questionnaire.bytes) <= STUDENT_PAGE_BUDGET_BYTES;
	return `student pages (HTML+CSS+JS, gzip): home ${kb(home.bytes)}, questionnaire ${kb(questionnaire.bytes)}, budget ${kb(STUDENT_PAGE_BUDGET_BYTES)} ${within ? 'OK' : 'EXCEEDED'}`;
}

/**
 * The issue's targets, each met, not met, or not measured in this run (a shape or step left out).
 * @param {Result[]} results @param {{ spread: number | null; hot: number | null }} tps
 */
function targets(results, tps) {
	const find = (/** @type {Shape} */ shape, /** @type {number} */ students) => results.find((r) => r.shape === shape && r.students === students)?.load;
	const ceiling = find('ceiling', 200);
	/** @type {Array<[string, number | undefined | null, (value: number) => boolean, (value: number) => string]>} */
	const rows = [];
	const ratio = (/** @type {number} */ value) => value.toFixed(2);
	for (const shape of /** @type {const} */ (['spread', 'hot'])) {
		const app = find(shape, 200);
		rows.push([`${shape}: app / HTTP ceiling >= 0.5 at 200 students`, app && ceiling && app.perSecond / ceiling.perSecond, (v) => v >= 0.5, ratio]);
	}
	const hot = find('hot', 200);
	rows.push(['hot: >= 10x pgbench (hot) at 200 students', hot && tps.hot && hot.perSecond / tps.hot, (v) => v >= 10, (v) => `${ratio(v)}x`]);
	for (const shape of /** @type {const} */ (['spread', 'hot'])) {
		rows.push([`${shape}: p99 <= 50 ms at 200 students`, find(shape, 200)?.p99, (v) => v <= 50, ms]);
		rows.push([`${shape}: p99 <= 250 ms at 2,000 students`, find(shape, 2000)?.p99, (v) => v <= 250, ms]);
		rows.push([`${shape}: RSS <= 200 MB at 2,000 students`, find(shape, 2000)?.peakRss, (v) => v <= 200 * 1048576, mb]);
	}
	const embedded = find('embedded', 200);
	rows.push(['embedded: >= 500 sub/s at 200 students', embedded?.perSecond, (v) => v >= 500, (v) => `${Math.round(v)} sub/s`]);
	rows.push(['embedded: p99 <= 150 ms at 200 students', embedded?.p99, (v) => v <= 150, ms]);
	const checked = results.filter((r) => r.count);
	const exact = checked.filter((r) => r.count?.exact).length;
	rows.push([`counted = acknowledged exactly (${checked.length} shape-steps)`, checked.length ? exact : null, (v) => v === checked.length, (v) => `${v} of ${checked.length}`]);
	const faults = checked.reduce((sum, r) => sum + (r.count?.lost ?? 0) + (r.count?.doubled ?? 0), 0);
	rows.push(['zero lost and zero double-counted in every shape and step', checked.length ? faults : null, (v) => v === 0, (v) => `${v}`]);
	return rows.map(([name, value, met, show]) =>
		typeof value === 'number' && Number.isFinite(value) ? `${met(value) ? 'met    ' : 'NOT MET'}  ${name}: ${show(value)}` : `-        ${name}: not measured in this run`
	);
}

async function main() {
	if (!buildIfStale()) throw new Error('the build failed; see the messages above');
	const knobs = tunables.map((name) => `${name}=${env[name] || 'default'}`).join(', ');
	console.log(`Shapes ${settings.shapes.join(', ')}; ${settings.students.join(', ')} virtual students over at most ${settings.sockets} sockets;`);
	console.log(`${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured per shape and step; ${knobs}`);

	/** @type {Array<{ id: string; code: string }>} */
	let rounds = [];
	/** @type {import('postgres').Sql | undefined} */
	let sql;
	/** @type {{ url: string; pid: number; stop: () => Promise<void> } | undefined} */
	let server;
	if (runs('spread') || runs('hot')) {
		await harness.createDatabase();
		server = await harness.startServer(serverEnv, serverEntry, settings.serverNodeArgs);
		sql = postgres(harness.url, { max: 2, onnotice: () => {} });
		rounds = await seed(viaPostgres(sql), HOT_ROUND);
		console.log(`PostgreSQL: database ${harness.name}, server ${server.url} (pid ${server.pid})`);
	}
	/** @type {Array<{ id: string; code: string }>} */
	let embeddedRounds = [];
	if (runs('embedded')) {
		dataDir = mkdtempSync(path.join(os.tmpdir(), 'lesspiegel-bench-'));
		// Its first start migrates the folder.
		await (await harness.startServer(embeddedEnv())).stop();
		embeddedRounds = await withPglite((db) => seed(db, EMBEDDED_ROUNDS));
		console.log(`Embedded: PGlite in ${dataDir}, ${EMBEDDED_ROUNDS} open rounds`);
	}
	const ceiling = runs('ceiling') ? await harness.startServer({ DATABASE_URL: undefined }, path.join(root, 'bench', 'http-ceiling.js')) : undefined;
	console.log('');

	/** @type {Result[]} */
	const results = [];
	/** @param {Result} result */
	const record = (result) => {
		results.push(result);
		console.log(describe(result));
	};
	for (const students of settings.students) {
		// The ceiling ignores the code; one of the usual length keeps the requests' bytes the same.
		if (ceiling) record({ shape: 'ceiling', students, load: await runLoad(ceiling.url, ['ABC234'], students, ceiling.pid) });
		for (const shape of /** @type {const} */ (['spread', 'hot'])) {
			if (!runs(shape) || !sql || !server) continue;
			const shapeRounds = shape === 'spread' ? rounds.slice(0, SPREAD_ROUNDS) : rounds.slice(SPREAD_ROUNDS);
			const ids = shapeRounds.map((r) => r.id);
			const before = await counted(viaPostgres(sql), ids);
			const databaseBefore = await databaseSample(sql);
			const load = await runLoad(server.url, shapeRounds.map((r) => r.code), students, server.pid);
			const database = databaseCost(databaseBefore, await databaseSample(sql), load.acknowledged);
			record({ shape, students, load, count: check(before, await counted(viaPostgres(sql), ids), load), database });
		}
		if (runs('embedded')) {
			// The folder is locked while the server runs: count before its start and after its stop.
			const ids = embeddedRounds.map((r) => r.id);
			const before = await withPglite((db) => counted(db, ids));
			const embedded = await harness.startServer(embeddedEnv(), serverEntry, settings.serverNodeArgs);
			const load = await runLoad(embedded.url, embeddedRounds.map((r) => r.code), students, embedded.pid);
			await embedded.stop();
			record({ shape: 'embedded', students, load, count: check(before, await withPglite((db) => counted(db, ids)), load) });
		}
	}
	await ceiling?.stop();

	const tps = { spread: /** @type {number | null} */ (null), hot: /** @type {number | null} */ (null) };
	const summaries = [];
	if (sql && server) {
		// After the loads, so pgbench's writes never disturb a count.
		console.log('\npgbench running...');
		if (runs('spread')) tps.spread = pgbench({ first: 1, last: SPREAD_ROUNDS });
		if (runs('hot')) tps.hot = pgbench({ first: HOT_ROUND, last: HOT_ROUND });
		await sql.end({ timeout: 5 });
		summaries.push(await studentPages(server.url, rounds[0]?.code ?? ''));
		await server.stop();
	}

	const ceilingAt = (/** @type {number} */ students) => results.find((r) => r.shape === 'ceiling' && r.students === students)?.load.perSecond;
	console.log('\nstudents  shape     sub/s    p50    p95    p99      RSS  app/ceiling  app/pgbench  counted=acknowledged');
	for (const r of results) {
		const ceilingPerSecond = ceilingAt(r.students);
		const pgbenchTps = r.shape === 'spread' || r.shape === 'hot' ? tps[r.shape] : null;
		const cells = [
			String(r.students).padStart(8),
			r.shape.padEnd(8),
			String(Math.round(r.load.perSecond)).padStart(6),
			ms(r.load.p50).padStart(6),
			ms(r.load.p95).padStart(6),
			ms(r.load.p99).padStart(7),
			(r.shape === 'ceiling' ? '' : mb(r.load.peakRss)).padStart(7),
			(r.shape !== 'ceiling' && ceilingPerSecond ? (r.load.perSecond / ceilingPerSecond).toFixed(2) : '').padStart(11),
			(pgbenchTps && r.students === settings.students[0] ? (r.load.perSecond / pgbenchTps).toFixed(2) : '').padStart(11),
			r.count ? (r.count.exact ? 'OK' : 'MISMATCH') : ''
		];
		console.log(cells.join('  '));
	}
	if (tps.spread !== null || tps.hot !== null) console.log(`pgbench: spread ${Math.round(tps.spread ?? NaN)} tps, hot ${Math.round(tps.hot ?? NaN)} tps`);
	else if (sql) console.log('pgbench missing: no app/pgbench ratio');
	console.log(summaries.join('\n'));
	console.log(`\nTargets (issue 14):\n${targets(results, tps).join('\n')}`);
	return results.some((r) => r.count && !r.count.exact) ? 1 : 0;
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
