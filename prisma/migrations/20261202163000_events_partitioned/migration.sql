-- Events become a table partitioned by month on p_event_time, so that retention drops whole months
-- (features/events/partitions.ts) instead of deleting rows. Prisma cannot express partitioning, so
-- this migration is written by hand, and its table, key and index names are the ones Prisma derives
-- from the Event model, so `npm run db:migration` sees no difference afterwards.
--
-- Postgres requires the partition key in every unique index: the primary key becomes
-- (id, p_event_time) and the dedupe key gains p_event_time. A stored event's time always comes from
-- its record (a required field of every log type), so one Slack record keeps one time and the
-- dedupe is as exact as before.
--
-- Monthly partitions are named events_YYYY_MM. Prisma runs a migration one statement at a time,
-- split at every semicolon, so no plpgsql can compute them here: this creates the months around the
-- time it was written, and the partition job (features/events/partitions.ts, run by every worker at
-- start and daily) creates the current and coming months wherever the clock is and moves rows from
-- events_default into them. events_default takes any row without its month's partition, so an insert
-- never fails for want of one.
--
-- Not one semicolon in these comments, for the same reason.

-- The old table keeps only its primary key while its rows are copied, and its other index names are
-- the new table's.
DROP INDEX "events_p_source_id_p_log_type_dedupe_key_key";
DROP INDEX "events_p_source_id_p_event_time_id_idx";
DROP INDEX "events_p_source_id_p_log_type_p_event_time_id_idx";
DROP INDEX "events_p_log_type_p_event_time_id_idx";
DROP INDEX "events_action_p_event_time_id_idx";
DROP INDEX "events_p_source_id_action_p_event_time_id_idx";
DROP INDEX "events_p_log_type_action_p_event_time_id_idx";
DROP INDEX "events_p_event_time_id_idx";
DROP INDEX "events_p_any_ip_addresses_idx";
DROP INDEX "events_p_any_emails_idx";
DROP INDEX "events_p_any_usernames_idx";
ALTER TABLE "events" RENAME TO "events_unpartitioned";
ALTER TABLE "events_unpartitioned" RENAME CONSTRAINT "events_pkey" TO "events_unpartitioned_pkey";
-- The id sequence carries over, so ids stay unique across the move.
ALTER SEQUENCE "events_id_seq" OWNED BY NONE;

CREATE TABLE "events" (
    "id" BIGINT NOT NULL DEFAULT nextval('events_id_seq'),
    "p_source_id" TEXT NOT NULL,
    "p_source_label" TEXT NOT NULL,
    "p_log_type" TEXT NOT NULL,
    "p_row_id" TEXT NOT NULL,
    "p_event_time" TIMESTAMPTZ(3) NOT NULL,
    "p_parse_time" TIMESTAMPTZ(3) NOT NULL,
    "p_any_ip_addresses" TEXT[],
    "p_any_emails" TEXT[],
    "p_any_usernames" TEXT[],
    "dedupe_key" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "pull_run_id" TEXT,
    "action" TEXT,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id","p_event_time")
) PARTITION BY RANGE ("p_event_time");
ALTER SEQUENCE "events_id_seq" OWNED BY "events"."id";

CREATE INDEX "events_p_source_id_p_event_time_id_idx" ON "events"("p_source_id", "p_event_time" DESC, "id" DESC);
CREATE INDEX "events_p_source_id_p_log_type_p_event_time_id_idx" ON "events"("p_source_id", "p_log_type", "p_event_time" DESC, "id" DESC);
CREATE INDEX "events_p_log_type_p_event_time_id_idx" ON "events"("p_log_type", "p_event_time" DESC, "id" DESC);
CREATE INDEX "events_action_p_event_time_id_idx" ON "events"("action", "p_event_time" DESC, "id" DESC);
CREATE INDEX "events_p_source_id_action_p_event_time_id_idx" ON "events"("p_source_id", "action", "p_event_time" DESC, "id" DESC);
CREATE INDEX "events_p_log_type_action_p_event_time_id_idx" ON "events"("p_log_type", "action", "p_event_time" DESC, "id" DESC);
CREATE INDEX "events_p_event_time_id_idx" ON "events"("p_event_time" DESC, "id" DESC);
CREATE INDEX "events_p_any_ip_addresses_idx" ON "events" USING GIN ("p_any_ip_addresses");
CREATE INDEX "events_p_any_emails_idx" ON "events" USING GIN ("p_any_emails");
CREATE INDEX "events_p_any_usernames_idx" ON "events" USING GIN ("p_any_usernames");
CREATE UNIQUE INDEX "events_p_source_id_p_log_type_dedupe_key_p_event_time_key" ON "events"("p_source_id", "p_log_type", "dedupe_key", "p_event_time");

CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;

CREATE TABLE "events_2026_08" PARTITION OF "events" FOR VALUES FROM ('2026-08-01 00:00:00+00') TO ('2026-09-01 00:00:00+00');
CREATE TABLE "events_2026_09" PARTITION OF "events" FOR VALUES FROM ('2026-09-01 00:00:00+00') TO ('2026-10-01 00:00:00+00');
CREATE TABLE "events_2026_10" PARTITION OF "events" FOR VALUES FROM ('2026-10-01 00:00:00+00') TO ('2026-11-01 00:00:00+00');
CREATE TABLE "events_2026_11" PARTITION OF "events" FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00');
CREATE TABLE "events_2026_12" PARTITION OF "events" FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE TABLE "events_2027_01" PARTITION OF "events" FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00');
CREATE TABLE "events_2027_02" PARTITION OF "events" FOR VALUES FROM ('2027-02-01 00:00:00+00') TO ('2027-03-01 00:00:00+00');
CREATE TABLE "events_2027_03" PARTITION OF "events" FOR VALUES FROM ('2027-03-01 00:00:00+00') TO ('2027-04-01 00:00:00+00');

INSERT INTO "events" ("id", "p_source_id", "p_source_label", "p_log_type", "p_row_id", "p_event_time", "p_parse_time",
                      "p_any_ip_addresses", "p_any_emails", "p_any_usernames", "dedupe_key", "event", "pull_run_id", "action")
SELECT "id", "p_source_id", "p_source_label", "p_log_type", "p_row_id", "p_event_time", "p_parse_time",
       "p_any_ip_addresses", "p_any_emails", "p_any_usernames", "dedupe_key", "event", "pull_run_id", "action"
FROM "events_unpartitioned";

DROP TABLE "events_unpartitioned";
