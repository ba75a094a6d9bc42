CREATE TABLE "published_counts" (
	"round_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"choice" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "published_counts_round_id_question_id_choice_pk" PRIMARY KEY("round_id","question_id","choice")
);
--> statement-breakpoint
ALTER TABLE "round_tallies" ADD COLUMN "published_n" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "published_counts" ADD CONSTRAINT "published_counts_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_counts" ADD CONSTRAINT "published_counts_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE cascade ON UPDATE no action;