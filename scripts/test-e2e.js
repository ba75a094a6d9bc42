#!/usr/bin/env node
// `npm run test:e2e`: the built server driven by Chromium (tests/e2e). Extra arguments go to
// vitest, e.g. `npm run test:e2e -- home` to run one file.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { root } from './build-if-stale.js';

// Debian's Chromium, not a Playwright browser build: those are downloaded from outside the
// npm registry, which our machines cannot reach.
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
	console.error(
		`LesSpiegel e2e: no Chromium at ${chromium}. Install it with \`apt-get install -y chromium\` ` +
			'(or point CHROMIUM_PATH at another Chromium).'
	);
	process.exit(1);
}

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(
	process.execPath,
	[vitest, 'run', '--config', 'tests/e2e/vitest.config.ts', ...process.argv.slice(2)],
	{ cwd: root, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium } }
);
if (result.error) console.error(`LesSpiegel e2e: could not run vitest: ${result.error.message}`);
process.exit(result.status ?? 1);
