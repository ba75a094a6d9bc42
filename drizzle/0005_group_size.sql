ALTER TABLE "groups" ADD COLUMN "size" smallint;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_size_range" CHECK ("groups"."size" between 1 and 200);