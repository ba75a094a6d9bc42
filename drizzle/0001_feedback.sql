CREATE TYPE "public"."question_type" AS ENUM('agree5', 'smiley3', 'smiley5', 'rating10', 'single_choice', 'multiple_choice', 'one_word');--> statement-breakpoint
CREATE TABLE "answer_counts" (
	"round_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"choice" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "answer_counts_round_id_question_id_choice_pk" PRIMARY KEY("round_id","question_id","choice")
);
--> statement-breakpoint
CREATE TABLE "ballots" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"round_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "questionnaire_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"questionnaire_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"title_nl" text NOT NULL,
	"title_en" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "questionnaires" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"school_id" uuid NOT NULL,
	"owner_id" uuid,
	"personal" boolean NOT NULL,
	"archived" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"type" "question_type" NOT NULL,
	"prompt_nl" text NOT NULL,
	"prompt_en" text NOT NULL,
	"theme" text,
	"options" jsonb
);
--> statement-breakpoint
CREATE TABLE "round_tallies" (
	"round_id" uuid PRIMARY KEY NOT NULL,
	"n" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"opened_by" uuid,
	"join_code" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closes_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"cap" integer,
	"tan_only" boolean DEFAULT false NOT NULL,
	"live_results" boolean DEFAULT false NOT NULL,
	CONSTRAINT "rounds_cap_positive" CHECK ("rounds"."cap" is null or "rounds"."cap" > 0)
);
--> statement-breakpoint
CREATE TABLE "tans" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"round_id" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "answer_counts" ADD CONSTRAINT "answer_counts_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_counts" ADD CONSTRAINT "answer_counts_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questionnaire_versions" ADD CONSTRAINT "questionnaire_versions_questionnaire_id_questionnaires_id_fk" FOREIGN KEY ("questionnaire_id") REFERENCES "public"."questionnaires"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questionnaires" ADD CONSTRAINT "questionnaires_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questionnaires" ADD CONSTRAINT "questionnaires_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_version_id_questionnaire_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."questionnaire_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_tallies" ADD CONSTRAINT "round_tallies_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_version_id_questionnaire_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."questionnaire_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_opened_by_users_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tans" ADD CONSTRAINT "tans_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ballots_round_idx" ON "ballots" USING btree ("round_id");--> statement-breakpoint
CREATE UNIQUE INDEX "questionnaire_versions_number_unique" ON "questionnaire_versions" USING btree ("questionnaire_id","number");--> statement-breakpoint
CREATE INDEX "questionnaires_school_idx" ON "questionnaires" USING btree ("school_id");--> statement-breakpoint
CREATE UNIQUE INDEX "questions_position_unique" ON "questions" USING btree ("version_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "rounds_open_join_code_unique" ON "rounds" USING btree ("join_code") WHERE "rounds"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "rounds_group_idx" ON "rounds" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "tans_round_idx" ON "tans" USING btree ("round_id");