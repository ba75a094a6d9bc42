// Compiles messages/*.json into src/lib/paraglide for tools that run without Vite (svelte-check).
import { compile } from '@inlang/paraglide-js';
import { paraglideOptions } from '../paraglide.config.js';

await compile(paraglideOptions);
