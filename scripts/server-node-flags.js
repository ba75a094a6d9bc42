// Flags for the node that runs the server, wherever it runs: `npm start` (package.json), the
// Dockerfile's CMD, the systemd unit of docs/operations.md and the benchmark's servers.
// deployment-files.test.ts holds them equal to this list.
//
// --max-semi-space-size=32: V8's young generation twice its default. Under load the requests
// waiting for their batch (10 ms) outlive the default's scavenges and are promoted, and garbage
// collection was a fifth of the server's CPU: with 32 MB semi-spaces the CPU per submission falls
// by about a quarter, for about 30 MB more RSS (docs/performance.md, issue 14). 64 MB gains a
// little more but passes the 200 MB target at 2,000 students.
export const serverNodeFlags = ['--max-semi-space-size=32'];
