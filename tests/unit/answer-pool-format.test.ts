import { describe, expect, it } from 'vitest';
import * as sealedBox from '../../src/lib/server/crypto/sealed-box';
import { openPool, sealPool, type Member } from '../../src/lib/server/rounds/answer-pool';
import { poolKey } from '../../src/lib/server/rounds/pool-key';

const agree = '3f1c2a9e-0000-4000-8000-000000000001';
const pick = '3f1c2a9e-0000-4000-8000-000000000002';
const word = '3f1c2a9e-0000-4000-8000-000000000003';

describe('sealed answer pools', () => {
	it('open to exactly the members sealed, question ids and choices alike, a question answered twice in one member included', () => {
		const members: Member[] = [
			[{ questionId: agree, choice: '4' }, { questionId: pick, choice: '1' }, { questionId: pick, choice: '3' }, { questionId: word, choice: 'rustig' }],
			[{ questionId: pick, choice: '2' }, { questionId: agree, choice: '5' }],
			[]
		];
		expect(openPool(sealPool(members))).toEqual(members);
	});

	it('name each question id once, so a pool of ten-question answers is less than half its first format', () => {
		const questions = Array.from({ length: 10 }, (_, i) => `3f1c2a9e-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`);
		const members: Member[] = [1, 2, 3].map((value) => questions.map((questionId) => ({ questionId, choice: String(value) })));
		const firstFormat = sealedBox.seal(poolKey(), JSON.stringify(members.map((member) => member.map(({ questionId, choice }) => [questionId, choice]))));
		expect(sealPool(members).length).toBeLessThan(firstFormat.length / 2);
		expect(sealPool(members)).not.toContain(questions[0]);
	});

	it('still open pools sealed by the first release (held in databases when the server is upgraded)', () => {
		const sealed = sealedBox.seal(poolKey(), JSON.stringify([[[agree, '2'], [pick, '1']], [[agree, '5']]]));
		expect(openPool(sealed)).toEqual([
			[{ questionId: agree, choice: '2' }, { questionId: pick, choice: '1' }],
			[{ questionId: agree, choice: '5' }]
		]);
	});
});
