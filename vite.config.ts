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
		hookTimeout: 60_000
	}
});
