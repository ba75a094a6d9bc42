CREATE TABLE "held_answers" (
	"round_id" uuid PRIMARY KEY NOT NULL,
	"sealed" text NOT NULL,
	"members" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "held_answers" ADD CONSTRAINT "held_answers_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- apply_answer_batch (0003) with the answer pools of S6 at low traffic (rounds/answer-pool.ts).
-- The counters now only ever grow by sums of at least two submissions: a submission that cannot
-- yet be written with others of its round is held sealed in `held_answers`, which the server
-- alone can open. The two-argument function of 0003 stays for instances of the previous release
-- during a rolling restart (a migration only ever adds); a later migration drops it.
--
-- `pools`: [{"r": round id, "o": the sealed pool the server believes the round has (null: none),
-- "n": the round's new sealed pool (null: none), "m": how many submissions "n" holds}], one per
-- round with submissions the server expects counted; `sums` already holds what leaves the pools.
-- Returns {"o": outcomes}, or, when it changed nothing because the outcomes or a pool were not
-- what the server believed, {"o": outcomes, "p": {round id: its sealed pool or null}}: the
-- caller plans again from those and calls again.
CREATE FUNCTION apply_answer_batch(submissions json, sums json, pools json) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	outcomes text[];
	touched uuid[];
	live uuid[];
BEGIN
	-- Tallies are locked in a fixed order, so batches of one round run one after the other
	-- (exact caps, one pool change at a time) and concurrent batches cannot deadlock.
	PERFORM 1 FROM round_tallies
	WHERE round_id IN (SELECT s.r FROM json_to_recordset(submissions) AS s(r uuid))
	ORDER BY round_id FOR UPDATE;

	-- As rounds.isOpen: closed when closed_at is set or closes_at has passed. The first
	-- submission of a ballot in the batch consumes it; a later one finds it used.
	WITH s AS (
		SELECT h, r, ord, row_number() OVER (PARTITION BY h ORDER BY ord) = 1 AS first_use
		FROM ROWS FROM (json_to_recordset(submissions) AS (h text, r uuid)) WITH ORDINALITY AS s(h, r, ord)
	), judged AS (
		SELECT s.ord, s.r, ro.cap, t.n,
			CASE
				WHEN t.round_id IS NULL OR ro.closed_at IS NOT NULL OR ro.closes_at <= now() THEN 'closed'
				WHEN NOT s.first_use OR b.round_id IS DISTINCT FROM s.r THEN 'ballot_used'
			END AS refusal
		FROM s
		LEFT JOIN (round_tallies t JOIN rounds ro ON ro.id = t.round_id) ON t.round_id = s.r
		LEFT JOIN ballots b ON b.token_hash = s.h
	), ranked AS (
		SELECT ord, cap, n, refusal, row_number() OVER (PARTITION BY r, refusal IS NULL ORDER BY ord) AS place
		FROM judged
	)
	SELECT array_agg(coalesce(refusal, CASE WHEN cap IS NOT NULL AND n + place > cap THEN 'full' ELSE 'counted' END) ORDER BY ord)
	INTO outcomes FROM ranked;

	IF EXISTS (
		SELECT 1 FROM ROWS FROM (json_to_recordset(submissions) AS (c boolean)) WITH ORDINALITY AS s(c, ord)
		WHERE s.c IS DISTINCT FROM (outcomes[s.ord] = 'counted')
	) OR EXISTS (
		SELECT 1 FROM json_to_recordset(pools) AS p(r uuid, o text)
		LEFT JOIN held_answers h ON h.round_id = p.r
		WHERE h.sealed IS DISTINCT FROM p.o
	) THEN
		RETURN json_build_object('o', to_json(outcomes), 'p', (
			SELECT json_object_agg(p.r, h.sealed)
			FROM (SELECT DISTINCT s.r FROM json_to_recordset(submissions) AS s(r uuid)) AS p
			LEFT JOIN held_answers h ON h.round_id = p.r
		));
	END IF;

	-- Every ballot of the batch is used up, counted or not.
	DELETE FROM ballots WHERE token_hash IN (SELECT s.h FROM json_to_recordset(submissions) AS s(h text));

	WITH r AS (
		SELECT ord - 1 AS i, id::uuid AS id FROM json_array_elements_text(sums -> 'r') WITH ORDINALITY AS x(id, ord)
	), q AS (
		SELECT ord - 1 AS i, id::uuid AS id FROM json_array_elements_text(sums -> 'q') WITH ORDINALITY AS x(id, ord)
	)
	INSERT INTO answer_counts (round_id, question_id, choice, n)
	SELECT r.id, q.id, c ->> 2, (c ->> 3)::integer
	FROM json_array_elements(sums -> 'c') AS c
	JOIN r ON r.i = (c ->> 0)::integer
	JOIN q ON q.i = (c ->> 1)::integer
	ON CONFLICT (round_id, question_id, choice) DO UPDATE SET n = answer_counts.n + excluded.n;

	DELETE FROM held_answers h USING json_to_recordset(pools) AS p(r uuid, n text)
	WHERE h.round_id = p.r AND p.n IS NULL;
	INSERT INTO held_answers (round_id, sealed, members)
	SELECT p.r, p.n, p.m FROM json_to_recordset(pools) AS p(r uuid, n text, m integer) WHERE p.n IS NOT NULL
	ON CONFLICT (round_id) DO UPDATE SET sealed = excluded.sealed, members = excluded.members;

	WITH added AS (
		SELECT s.r, count(*)::integer AS n FROM json_to_recordset(submissions) AS s(r uuid, c boolean) WHERE s.c GROUP BY s.r
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
