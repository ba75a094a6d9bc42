import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The command line (src/cli) as a separate server-side bundle in build-cli/, next to the
 * SvelteKit build: `node build-cli/index.js`. Dependencies stay external (an SSR build's
 * default), so it uses the same node_modules as the server.
 */
export default defineConfig({
	resolve: { alias: { $lib: path.resolve('src/lib') } },
	build: {
		ssr: 'src/cli/index.ts',
		outDir: 'build-cli',
		emptyOutDir: true,
		target: 'node20',
		sourcemap: true
	},
	ssr: { target: 'node' }
});
