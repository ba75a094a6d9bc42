import { randomizeChoice, secureRandom } from '../../randomized-response';
import { singleAnswerChoices, type Increment, type QuestionSpec } from './answers';

/**
 * Randomized response on receipt (issue 15), for submissions the phone did not randomize
 * itself (a form post without JavaScript): the increment of every randomized question is
 * replaced by chance before it reaches the batch writer, so the true answer is never written,
 * logged or queued; it exists only in this request's memory until the request ends.
 * With JavaScript the phone did this already (static/student-enhance.js), and the server
 * never sees the true answer at all.
 */
export function randomizeIncrements(questions: Array<QuestionSpec & { randomized: boolean }>, increments: Increment[], random: () => number = secureRandom): Increment[] {
	const randomized = new Map(questions.filter((q) => q.randomized).map((q) => [q.id, singleAnswerChoices(q)]));
	if (randomized.size === 0) return increments;
	return increments.map((increment) => {
		const choices = randomized.get(increment.questionId);
		return choices && choices.length > 1 ? { ...increment, choice: randomizeChoice(increment.choice, choices, random) } : increment;
	});
}
