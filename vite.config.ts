import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { paraglideOptions } from './paraglide.config.js';

export default defineConfig({
	plugins: [
		sveltekit(),
		paraglideVitePlugin(paraglideOptions)
	],
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		globalSetup: ['tests/helpers/build.global-setup.ts'],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		// One key for the answer pools (S6) of the test processes and the servers they start
		// (tests/helpers/server.ts passes it on), so a test may open what a server sealed.
		env: { ANSWER_POOL_KEY: 'dGVzdHMgb25seTogdGhlIGFuc3dlciBwb29scyBrZXk' }
	}
});
