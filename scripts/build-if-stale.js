// Builds the production server when `build/` is missing or older than any source.
// Shared by `npm start` and the test harnesses that run the real server.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const buildEntry = path.join(root, 'build', 'index.js');

const sources = ['src', 'messages', 'static', 'project.inlang', 'svelte.config.js', 'vite.config.ts', 'paraglide.config.js', 'package-lock.json'];
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
	if (!existsSync(buildEntry)) return true;
	const built = statSync(buildEntry).mtimeMs;
	return sources.some((source) => newestMtime(path.join(root, source)) > built);
}

/** Returns false when the build failed; its messages went to stderr. */
export function buildIfStale() {
	if (!buildIsStale()) return true;
	console.log('LesSpiegel: building the production server (first start or changed sources)...');
	const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
	const result = spawnSync(process.execPath, [vite, 'build'], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit']
	});
	return result.status === 0;
}
