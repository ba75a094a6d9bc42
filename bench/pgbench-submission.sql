-- One submission as one transaction, the baseline the batch writer is compared with
-- (generated shape; see docs/performance.md): a ballot is issued and consumed, the tally of
-- the round goes up by one and 10 agree5 counters go up by one each.
-- Ids follow bench/seed.js: round i = 00000000-0000-4000-8000-<i>, question q = ...-9000-<q>.
-- The shape picks the rounds: -D first=1 -D last=100 (spread), -D first=101 -D last=101 (hot).
\set r random(:first, :last)
\set t random(1, 1000000000000)
\set c1 random(1, 5)
\set c2 random(1, 5)
\set c3 random(1, 5)
\set c4 random(1, 5)
\set c5 random(1, 5)
\set c6 random(1, 5)
\set c7 random(1, 5)
\set c8 random(1, 5)
\set c9 random(1, 5)
\set c10 random(1, 5)
BEGIN;
INSERT INTO ballots (token_hash, round_id) VALUES (:client_id || '.' || :t, ('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid);
DELETE FROM ballots WHERE token_hash = :client_id || '.' || :t;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000001', :c1::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000002', :c2::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000003', :c3::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000004', :c4::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000005', :c5::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000006', :c6::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000007', :c7::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000008', :c8::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000009', :c9::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
INSERT INTO answer_counts (round_id, question_id, choice, n) VALUES (('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid, '00000000-0000-4000-9000-000000000010', :c10::text, 1) ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + 1;
UPDATE round_tallies SET n = n + 1 WHERE round_id = ('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid;
END;
