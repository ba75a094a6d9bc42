import type { LayoutServerLoad } from './$types';

// The hooks guard has already required a complete session for every (app) route.
export const load: LayoutServerLoad = ({ locals }) => ({ email: locals.user!.email });
