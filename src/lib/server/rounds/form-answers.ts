/**
 * Reads the student form (which works without JavaScript) into the answers object the API
 * takes. Field names carry the value's kind: `s.<id>` a number, `m.<id>` several numbers,
 * `w.<id>` a word. Anything else is ignored; toIncrements then checks every value.
 */
export function answersFromForm(form: FormData): Record<string, unknown> {
	const answers: Record<string, unknown> = {};
	for (const key of new Set(form.keys())) {
		const [kind, id] = [key.slice(0, 2), key.slice(2)];
		const values = form.getAll(key).filter((v): v is string => typeof v === 'string');
		if (!id || values.length === 0) continue;
		if (kind === 's.') answers[id] = Number(values[0]);
		else if (kind === 'm.') answers[id] = values.map(Number);
		else if (kind === 'w.') answers[id] = values[0];
	}
	return answers;
}
