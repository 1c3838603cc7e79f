-- CreateEnum
CREATE TYPE "SourceType" AS ENUM ('SLACK');

-- CreateEnum
CREATE TYPE "SlackPlan" AS ENUM ('ENTERPRISE_GRID', 'PAID');

-- CreateEnum
CREATE TYPE "SourceStatus" AS ENUM ('DRAFT', 'AWAITING_GRANT', 'ACTIVE', 'PAUSED', 'ERROR');

-- CreateTable
CREATE TABLE "sources" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "type" "SourceType" NOT NULL DEFAULT 'SLACK',
    "plan" "SlackPlan" NOT NULL,
    "log_types" TEXT[],
    "status" "SourceStatus" NOT NULL DEFAULT 'DRAFT',
    "client_id" TEXT,
    "credentials_saved_at" TIMESTAMP(3),
    "granted_client_id" TEXT,
    "granted_scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "granted_at" TIMESTAMP(3),
    "granted_by_id" TEXT,
    "slack_team_id" TEXT,
    "slack_team_name" TEXT,
    "slack_enterprise_id" TEXT,
    "slack_enterprise_name" TEXT,
    "is_enterprise_install" BOOLEAN NOT NULL DEFAULT false,
    "slack_url" TEXT,
    "installer_user_id" TEXT,
    "installer_name" TEXT,
    "alarm_enabled" BOOLEAN NOT NULL DEFAULT true,
    "alarm_threshold_minutes" INTEGER NOT NULL DEFAULT 1440,
    "alarm_recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "activated_at" TIMESTAMP(3),
    "created_by_id" TEXT,
    "updated_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oauth_states" (
    "id" TEXT NOT NULL,
    "state_hash" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_states_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sources_name_key_key" ON "sources"("name_key");

-- CreateIndex
CREATE INDEX "sources_status_idx" ON "sources"("status");

-- CreateIndex
CREATE UNIQUE INDEX "oauth_states_state_hash_key" ON "oauth_states"("state_hash");

-- CreateIndex
CREATE INDEX "oauth_states_source_id_created_at_idx" ON "oauth_states"("source_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "sources" ADD CONSTRAINT "sources_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sources" ADD CONSTRAINT "sources_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
