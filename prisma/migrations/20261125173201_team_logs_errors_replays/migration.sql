-- CreateEnum
CREATE TYPE "ReplayStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- AlterEnum
ALTER TYPE "PullTrigger" ADD VALUE 'REPLAY';

-- AlterTable
ALTER TABLE "pull_runs" ADD COLUMN     "replay_id" TEXT;

-- AlterTable
ALTER TABLE "sources" ADD COLUMN     "client_credentials_error" TEXT,
ADD COLUMN     "error_code" TEXT,
ADD COLUMN     "error_detail" TEXT,
ADD COLUMN     "error_log_type" TEXT,
ADD COLUMN     "error_since" TIMESTAMPTZ(3),
ADD COLUMN     "next_retry_at" TIMESTAMPTZ(3),
ADD COLUMN     "paused_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "access_logs_seen" (
    "source_id" TEXT NOT NULL,
    "combination_key" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_logs_seen_pkey" PRIMARY KEY ("source_id","combination_key")
);

-- CreateTable
CREATE TABLE "pull_replays" (
    "id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "log_type" TEXT NOT NULL,
    "window_from" TIMESTAMPTZ(3) NOT NULL,
    "window_to" TIMESTAMPTZ(3) NOT NULL,
    "status" "ReplayStatus" NOT NULL DEFAULT 'QUEUED',
    "state" JSONB,
    "requested_by_id" TEXT,
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "error_code" TEXT,
    "error" TEXT,

    CONSTRAINT "pull_replays_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source_id" TEXT,
    "recipients" TEXT[],
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMPTZ(3),
    "message_id" TEXT,
    "last_error" TEXT,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pull_replays_source_id_requested_at_idx" ON "pull_replays"("source_id", "requested_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "notifications_dedupe_key_key" ON "notifications"("dedupe_key");

-- CreateIndex
CREATE INDEX "notifications_sent_at_created_at_idx" ON "notifications"("sent_at", "created_at");

-- CreateIndex
CREATE INDEX "notifications_source_id_created_at_idx" ON "notifications"("source_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "access_logs_seen" ADD CONSTRAINT "access_logs_seen_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pull_replays" ADD CONSTRAINT "pull_replays_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;
