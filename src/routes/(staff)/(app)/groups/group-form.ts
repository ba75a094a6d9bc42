import { z } from 'zod';

/** The group fields (name, year, number of students), shared by the create form (school's group list) and the edit form (group page). */
export const groupForm = z.object({
	name: z.string().trim().min(1, 'required').max(60, 'too_long'),
	yearLevel: z
		.string()
		.trim()
		.default('')
		.refine((v) => v === '' || (/^\d{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 15), 'invalid')
		.transform((v) => (v === '' ? null : Number(v))),
	size: z
		.string()
		.trim()
		.default('')
		.refine((v) => v === '' || (/^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= 200), 'invalid')
		.transform((v) => (v === '' ? null : Number(v)))
});
