#!/usr/bin/env node
// `npm start`: build the production server when needed, then run it in this process.
import { buildIfStale, root, serverEntry } from './build-if-stale.js';

if (!buildIfStale()) {
	console.error('LesSpiegel: the build failed; see the messages above.');
	process.exit(1);
}

const port = process.env.PORT || '3000';
// Without ORIGIN, adapter-node assumes https and SvelteKit's CSRF check refuses every form
// post made over plain http. Behind a TLS proxy, set ORIGIN (or PROTOCOL_HEADER) yourself.
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) {
	process.env.ORIGIN = `http://localhost:${port}`;
}
process.chdir(root);
await import(serverEntry);
console.log(`LesSpiegel is running at ${process.env.ORIGIN ?? `http://localhost:${port}`}/`);
