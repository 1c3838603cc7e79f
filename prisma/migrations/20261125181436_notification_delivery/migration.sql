-- DropIndex
DROP INDEX "notifications_sent_at_created_at_idx";

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "sending_since" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "notifications_sent_at_next_attempt_at_idx" ON "notifications"("sent_at", "next_attempt_at");
