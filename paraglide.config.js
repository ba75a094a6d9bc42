// One place for the i18n compiler's options: the Vite plugin and `npm run check` share them.
/** @type {{ project: string, outdir: string, strategy: Array<'url' | 'baseLocale'> }} */
export const paraglideOptions = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	// Locale lives in the URL (/en/... for English, Dutch without prefix): students switch
	// language without any cookie (PRIVACY.md S1).
	strategy: ['url', 'baseLocale']
};
