// Builds the production server and the command line when `build/` or `build-cli/` is missing
// or older than any source. Shared by `npm start`, `npm run cli` and the test harnesses.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** What runs the production server: adapter-node's handler inside our own HTTP server. */
export const serverEntry = path.join(root, 'server.js');
const builtHandler = path.join(root, 'build', 'handler.js');
export const cliEntry = path.join(root, 'build-cli', 'index.js');

const sources = ['src', 'messages', 'static', 'project.inlang', 'svelte.config.js', 'vite.config.ts', 'vite.cli.config.ts', 'paraglide.config.js', 'package-lock.json'];
const ignored = new Set(['paraglide', 'node_modules']);

/** @param {string} entry */
function newestMtime(entry) {
	if (!existsSync(entry)) return 0;
	const stat = statSync(entry);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const name of readdirSync(entry)) {
		if (!ignored.has(name)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
	}
	return newest;
}

function buildIsStale() {
	if (!existsSync(builtHandler) || !existsSync(cliEntry)) return true;
	const built = Math.min(statSync(builtHandler).mtimeMs, statSync(cliEntry).mtimeMs);
	return sources.some((source) => newestMtime(path.join(root, source)) > built);
}

/** Returns false when the build failed; its messages went to stderr. */
export function buildIfStale() {
	if (!buildIsStale()) return true;
	console.log('LesSpiegel: building the production server (first start or changed sources)...');
	const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
	// What `npm run build` does: the server, then the command line.
	for (const args of [['build'], ['build', '--config', 'vite.cli.config.ts']]) {
		const result = spawnSync(process.execPath, [vite, ...args], {
			cwd: root,
			stdio: ['ignore', 'ignore', 'inherit']
		});
		if (result.status !== 0) return false;
	}
	return true;
}
