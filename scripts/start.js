#!/usr/bin/env node
// `npm start`: build the production server when needed, then run it in this process.
import { buildIfStale, root, serverEntry } from './build-if-stale.js';

if (!buildIfStale()) {
	console.error('LesSpiegel: the build failed; see the messages above.');
	process.exit(1);
}

process.chdir(root);
// server.js sets ORIGIN to http://localhost:$PORT when it is unset.
await import(serverEntry);
console.log(`LesSpiegel is running at ${process.env.ORIGIN}/`);
