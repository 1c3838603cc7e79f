-- CreateEnum
CREATE TYPE "AlarmState" AS ENUM ('OK', 'ALARM', 'INSUFFICIENT_DATA');

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "committing_at" TIMESTAMPTZ(3),
ADD COLUMN     "html_body" TEXT,
ADD COLUMN     "is_unconfirmed" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "sources" ADD COLUMN     "alarm_state" "AlarmState",
ADD COLUMN     "alarm_state_since" TIMESTAMPTZ(3),
ADD COLUMN     "alarm_watched_since" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "alarm_history" (
    "id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "from_state" "AlarmState",
    "to_state" "AlarmState",
    "quiet_since" TIMESTAMPTZ(3),
    "threshold_minutes" INTEGER NOT NULL,
    "recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notification_id" TEXT,
    "held_by" TEXT,
    "detail" TEXT,

    CONSTRAINT "alarm_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "system_incidents" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "detail" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "system_incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "system_state" (
    "key" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "system_state_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "alarm_history_source_id_at_idx" ON "alarm_history"("source_id", "at" DESC);

-- CreateIndex
CREATE INDEX "system_incidents_ended_at_idx" ON "system_incidents"("ended_at" DESC);

-- AddForeignKey
ALTER TABLE "alarm_history" ADD CONSTRAINT "alarm_history_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alarm_history" ADD CONSTRAINT "alarm_history_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- One open incident per kind: two processes noticing the same outage write one row.
CREATE UNIQUE INDEX "system_incidents_one_open_per_kind" ON "system_incidents"("kind") WHERE "ended_at" IS NULL;

-- Sources activated before alarms were evaluated start their quiet clock at their activation.
UPDATE "sources" SET "alarm_watched_since" = COALESCE("activated_at", "created_at") WHERE "status" IN ('ACTIVE', 'ERROR', 'PAUSED');
