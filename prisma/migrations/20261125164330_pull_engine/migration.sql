-- CreateEnum
CREATE TYPE "PullTrigger" AS ENUM ('SCHEDULED', 'MANUAL');

-- CreateEnum
CREATE TYPE "PullOutcome" AS ENUM ('RUNNING', 'SUCCEEDED', 'INCOMPLETE', 'FAILED', 'ABANDONED');

-- AlterTable
ALTER TABLE "sources" ADD COLUMN     "backfill_minutes" INTEGER NOT NULL DEFAULT 1440,
ADD COLUMN     "last_event_received_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_event_time" TIMESTAMPTZ(3),
ADD COLUMN     "last_successful_pull_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "checkpoints" (
    "source_id" TEXT NOT NULL,
    "log_type" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkpoints_pkey" PRIMARY KEY ("source_id","log_type")
);

-- CreateTable
CREATE TABLE "pull_runs" (
    "id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "log_type" TEXT NOT NULL,
    "trigger" "PullTrigger" NOT NULL,
    "job_id" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "worker_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "window_oldest" TIMESTAMPTZ(3),
    "window_latest" TIMESTAMPTZ(3),
    "pages" INTEGER NOT NULL DEFAULT 0,
    "fetched" INTEGER NOT NULL DEFAULT 0,
    "stored" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "outcome" "PullOutcome" NOT NULL DEFAULT 'RUNNING',
    "error_code" TEXT,
    "error" TEXT,

    CONSTRAINT "pull_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "classification_failures" (
    "id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "log_type" TEXT NOT NULL,
    "pull_run_id" TEXT,
    "field" TEXT,
    "reason" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "classification_failures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pull_runs_source_id_started_at_idx" ON "pull_runs"("source_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "pull_runs_source_id_log_type_started_at_idx" ON "pull_runs"("source_id", "log_type", "started_at" DESC);

-- CreateIndex
CREATE INDEX "pull_runs_outcome_idx" ON "pull_runs"("outcome");

-- CreateIndex
CREATE INDEX "events_p_source_id_p_event_time_idx" ON "events"("p_source_id", "p_event_time" DESC);

-- CreateIndex
CREATE INDEX "events_p_log_type_p_event_time_idx" ON "events"("p_log_type", "p_event_time" DESC);

-- CreateIndex
CREATE INDEX "events_p_event_time_idx" ON "events"("p_event_time" DESC);

-- CreateIndex
CREATE INDEX "events_p_any_ip_addresses_idx" ON "events" USING GIN ("p_any_ip_addresses");

-- CreateIndex
CREATE INDEX "events_p_any_emails_idx" ON "events" USING GIN ("p_any_emails");

-- CreateIndex
CREATE INDEX "events_p_any_usernames_idx" ON "events" USING GIN ("p_any_usernames");

-- CreateIndex
CREATE UNIQUE INDEX "events_p_source_id_p_log_type_dedupe_key_key" ON "events"("p_source_id", "p_log_type", "dedupe_key");

-- CreateIndex
CREATE INDEX "classification_failures_source_id_received_at_idx" ON "classification_failures"("source_id", "received_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "classification_failures_source_id_log_type_payload_hash_key" ON "classification_failures"("source_id", "log_type", "payload_hash");

-- AddForeignKey
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pull_runs" ADD CONSTRAINT "pull_runs_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;
