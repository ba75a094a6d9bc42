import type { ParamMatcher } from '@sveltejs/kit';
import { isJoinCode, normaliseJoinCode } from '$lib/join-code';

/** /r/k7m2qx works too: the page itself redirects to the canonical upper-case code. */
export const match: ParamMatcher = (param) => isJoinCode(normaliseJoinCode(param));
