#!/usr/bin/env node
// `npm run cli -- <command>`: build when needed, then run the command line (src/cli).
import { buildIfStale, cliEntry, root } from './build-if-stale.js';

if (!buildIfStale()) {
	console.error('LesSpiegel: the build failed; see the messages above.');
	process.exit(1);
}
// Relative DATA_DIR and MIGRATIONS_DIR mean the same folders as under `npm start`.
process.chdir(root);
await import(cliEntry);
