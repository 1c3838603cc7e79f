-- DropIndex
DROP INDEX "events_p_event_time_idx";

-- DropIndex
DROP INDEX "events_p_log_type_p_event_time_idx";

-- DropIndex
DROP INDEX "events_p_source_id_p_event_time_idx";

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "action" TEXT;

-- Events stored before this migration get their action now, before any index covers the column:
-- each row is rewritten once, not once per index. Access logs have no action and are left alone.
UPDATE "events" SET "action" = COALESCE("event"->>'action', "event"->>'change_type')
WHERE "event" ? 'action' OR "event" ? 'change_type';

-- CreateTable
CREATE TABLE "event_counts_minute" (
    "source_id" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "log_type" TEXT NOT NULL,
    "events" INTEGER NOT NULL,

    CONSTRAINT "event_counts_minute_pkey" PRIMARY KEY ("source_id","bucket","log_type")
);

-- CreateTable
CREATE TABLE "event_counts_hour" (
    "source_id" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "log_type" TEXT NOT NULL,
    "events" INTEGER NOT NULL,

    CONSTRAINT "event_counts_hour_pkey" PRIMARY KEY ("source_id","bucket","log_type")
);

-- CreateIndex
CREATE INDEX "event_counts_hour_bucket_source_id_events_idx" ON "event_counts_hour"("bucket", "source_id", "events");

-- CreateIndex
CREATE INDEX "events_p_source_id_p_event_time_id_idx" ON "events"("p_source_id", "p_event_time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "events_p_source_id_p_log_type_p_event_time_id_idx" ON "events"("p_source_id", "p_log_type", "p_event_time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "events_p_log_type_p_event_time_id_idx" ON "events"("p_log_type", "p_event_time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "events_action_p_event_time_id_idx" ON "events"("action", "p_event_time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "events_p_source_id_action_p_event_time_id_idx" ON "events"("p_source_id", "action", "p_event_time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "events_p_log_type_action_p_event_time_id_idx" ON "events"("p_log_type", "action", "p_event_time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "events_p_event_time_id_idx" ON "events"("p_event_time" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "event_counts_minute" ADD CONSTRAINT "event_counts_minute_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_counts_hour" ADD CONSTRAINT "event_counts_hour_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "classification_failures_received_at_idx" ON "classification_failures"("received_at");

-- Their counts, by the time they were parsed (which is when they were received), in UTC whatever the
-- server's time zone, as the pulls count them.
INSERT INTO "event_counts_minute" ("source_id", "bucket", "log_type", "events")
SELECT e."p_source_id", date_trunc('minute', e."p_parse_time", 'UTC'), e."p_log_type", count(*)::int
FROM "events" e JOIN "sources" s ON s."id" = e."p_source_id"
GROUP BY 1, 2, 3;

INSERT INTO "event_counts_hour" ("source_id", "bucket", "log_type", "events")
SELECT "source_id", date_trunc('hour', "bucket", 'UTC'), "log_type", sum("events")::int
FROM "event_counts_minute"
GROUP BY 1, 2, 3;
