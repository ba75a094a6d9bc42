-- apply_answer_batch (0006) with the same arguments, outcomes and writes, for less of
-- PostgreSQL's CPU per batch (docs/performance.md, issue 14). Measured on the benchmark's spread
-- shape, the old function read the whole `ballots` table twice per batch: the planner took a
-- hash join for "the ballots of these hashes", and under load that table is mostly the dead rows
-- of consumed ballots until autovacuum comes (630 pages for 1,200 live rows), every one checked
-- for visibility. It also parsed its `json` arguments once per use: six times the submissions
-- and three times the pools, whose sealed texts are most of the bytes. Now each argument is
-- parsed once into arrays, and each ballot is one index probe.
CREATE OR REPLACE FUNCTION apply_answer_batch(submissions json, sums json, pools json) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	hashes text[];
	round_ids uuid[];
	expected boolean[];
	pool_rounds uuid[];
	pool_before text[];
	pool_after text[];
	pool_members integer[];
	sums_b jsonb := sums::jsonb;
	outcomes text[];
	touched uuid[];
	live uuid[];
BEGIN
	SELECT array_agg(s.h ORDER BY s.ord), array_agg(s.r ORDER BY s.ord), array_agg(s.c ORDER BY s.ord)
	INTO hashes, round_ids, expected
	FROM ROWS FROM (json_to_recordset(submissions) AS (h text, r uuid, c boolean)) WITH ORDINALITY AS s(h, r, c, ord);
	SELECT array_agg(p.r), array_agg(p.o), array_agg(p.n), array_agg(p.m)
	INTO pool_rounds, pool_before, pool_after, pool_members
	FROM json_to_recordset(pools) AS p(r uuid, o text, n text, m integer);

	-- Tallies are locked in a fixed order, so batches of one round run one after the other
	-- (exact caps, one pool change at a time) and concurrent batches cannot deadlock.
	PERFORM 1 FROM round_tallies WHERE round_id = ANY (round_ids) ORDER BY round_id FOR UPDATE;

	-- As rounds.isOpen: closed when closed_at is set or closes_at has passed. The first
	-- submission of a ballot in the batch consumes it; a later one finds it used. The ballot is
	-- a subquery per submission so that it stays an index probe whatever the planner believes
	-- of the table's size.
	WITH s AS (
		SELECT h, r, ord, row_number() OVER (PARTITION BY h ORDER BY ord) = 1 AS first_use
		FROM unnest(hashes, round_ids) WITH ORDINALITY AS s(h, r, ord)
	), judged AS (
		SELECT s.ord, s.r, ro.cap, t.n,
			CASE
				WHEN t.round_id IS NULL OR ro.closed_at IS NOT NULL OR ro.closes_at <= now() THEN 'closed'
				WHEN NOT s.first_use OR (SELECT b.round_id FROM ballots b WHERE b.token_hash = s.h) IS DISTINCT FROM s.r THEN 'ballot_used'
			END AS refusal
		FROM s
		LEFT JOIN (round_tallies t JOIN rounds ro ON ro.id = t.round_id) ON t.round_id = s.r
	), ranked AS (
		SELECT ord, cap, n, refusal, row_number() OVER (PARTITION BY r, refusal IS NULL ORDER BY ord) AS place
		FROM judged
	)
	SELECT array_agg(coalesce(refusal, CASE WHEN cap IS NOT NULL AND n + place > cap THEN 'full' ELSE 'counted' END) ORDER BY ord)
	INTO outcomes FROM ranked;

	IF EXISTS (
		SELECT 1 FROM unnest(expected) WITH ORDINALITY AS s(c, ord)
		WHERE s.c IS DISTINCT FROM (outcomes[s.ord] = 'counted')
	) OR EXISTS (
		SELECT 1 FROM unnest(pool_rounds, pool_before) AS p(r, o)
		LEFT JOIN held_answers h ON h.round_id = p.r
		WHERE h.sealed IS DISTINCT FROM p.o
	) THEN
		RETURN json_build_object('o', to_json(outcomes), 'p', (
			SELECT json_object_agg(p.r, h.sealed)
			FROM (SELECT DISTINCT r FROM unnest(round_ids) AS r) AS p
			LEFT JOIN held_answers h ON h.round_id = p.r
		));
	END IF;

	-- Every ballot of the batch is used up, counted or not.
	DELETE FROM ballots WHERE token_hash = ANY (hashes);

	WITH r AS (
		SELECT ord - 1 AS i, id::uuid AS id FROM jsonb_array_elements_text(sums_b -> 'r') WITH ORDINALITY AS x(id, ord)
	), q AS (
		SELECT ord - 1 AS i, id::uuid AS id FROM jsonb_array_elements_text(sums_b -> 'q') WITH ORDINALITY AS x(id, ord)
	)
	INSERT INTO answer_counts (round_id, question_id, choice, n)
	SELECT r.id, q.id, c ->> 2, (c ->> 3)::integer
	FROM jsonb_array_elements(sums_b -> 'c') AS c
	JOIN r ON r.i = (c ->> 0)::integer
	JOIN q ON q.i = (c ->> 1)::integer
	ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + excluded.n;

	DELETE FROM held_answers h USING unnest(pool_rounds, pool_after) AS p(r, n)
	WHERE h.round_id = p.r AND p.n IS NULL;
	INSERT INTO held_answers (round_id, sealed, members)
	SELECT p.r, p.n, p.m FROM unnest(pool_rounds, pool_after, pool_members) AS p(r, n, m) WHERE p.n IS NOT NULL
	ON CONFLICT (round_id) DO UPDATE SET sealed = excluded.sealed, members = excluded.members;

	WITH added AS (
		SELECT s.r, count(*)::integer AS n FROM unnest(round_ids, expected) AS s(r, c) WHERE s.c GROUP BY s.r
	), updated AS (
		UPDATE round_tallies t SET n = t.n + added.n FROM added WHERE t.round_id = added.r RETURNING t.round_id
	)
	SELECT array_agg(round_id) INTO touched FROM updated;

	-- Live counts for the projectors (LISTEN round_tally, rounds/live.ts), delivered on commit,
	-- at most 100 rounds per payload (NOTIFY payloads stay under 8000 bytes).
	PERFORM pg_notify('round_tally', payload)
	FROM (
		SELECT json_object_agg(round_id, n)::text AS payload
		FROM (SELECT round_id, n, (row_number() OVER (ORDER BY round_id) - 1) / 100 AS part FROM round_tallies WHERE round_id = ANY (touched)) AS u
		GROUP BY part
	) AS p;

	-- S5: a live-results round's snapshot moves only once k or more newly written submissions
	-- are in its counters; held ones are not in them yet.
	SELECT array_agg(t.round_id) INTO live
	FROM round_tallies t
	JOIN rounds ro ON ro.id = t.round_id
	JOIN groups g ON g.id = ro.group_id
	JOIN schools sc ON sc.id = g.school_id
	LEFT JOIN held_answers h ON h.round_id = t.round_id
	WHERE t.round_id = ANY (touched) AND ro.live_results AND t.n - coalesce(h.members, 0) - t.published_n >= sc.min_group_size;
	IF live IS NOT NULL THEN
		DELETE FROM published_counts WHERE round_id = ANY (live);
		INSERT INTO published_counts (round_id, question_id, choice, n)
		SELECT round_id, question_id, choice, n FROM answer_counts WHERE round_id = ANY (live);
		UPDATE round_tallies t SET published_n = t.n - coalesce((SELECT h.members FROM held_answers h WHERE h.round_id = t.round_id), 0)
		WHERE t.round_id = ANY (live);
	END IF;

	RETURN json_build_object('o', to_json(outcomes));
END
$$;
