import type { SessionUser, StaffSession } from '$lib/server/auth/sessions';
import type { Membership } from '$lib/server/policy';

// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/** The logged-in staff member on staff routes; always null on student routes. */
			user: (SessionUser & { memberships: Membership[]; secondFactorRequired: boolean }) | null;
			session: StaffSession | null;
		}
	}
}

export {};
