import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		sveltekit(),
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// Locale lives in the URL (/en/... for English, Dutch without prefix): students
			// switch language without any cookie (PRIVACY.md S1).
			strategy: ['url', 'baseLocale']
		})
	],
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		globalSetup: ['tests/helpers/build.global-setup.ts'],
		testTimeout: 60_000,
		hookTimeout: 60_000
	}
});
