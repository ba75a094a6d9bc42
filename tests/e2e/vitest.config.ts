import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	root: fileURLToPath(new URL('../..', import.meta.url)),
	test: {
		include: ['tests/e2e/**/*.test.ts'],
		globalSetup: ['tests/helpers/build.global-setup.ts'],
		// Each file starts its own server and Chromium; on 2 cores, running files side by
		// side only makes every timing worse.
		fileParallelism: false,
		testTimeout: 60_000,
		// A first boot on an empty PGlite data folder takes several seconds and ~800 MB.
		hookTimeout: 120_000
	}
});
