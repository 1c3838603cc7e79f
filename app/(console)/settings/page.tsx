import type { Metadata } from "next";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { requirePermission } from "@/features/auth/session";
import { WorkerStatus } from "@/features/system/components/worker-status";
import { getEnv, redactUrl } from "@/lib/env";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requirePermission("settings:read");
  const env = getEnv();
  // Only values that are safe to show: no secrets, and passwords stripped from connection URLs.
  const configuration = [
    { label: "Public URL", value: env.PUBLIC_URL },
    { label: "Slack redirect URL", value: `${env.PUBLIC_URL}/api/oauth/slack/callback` },
    { label: "Pull interval", value: `${env.PULL_INTERVAL_SECONDS} seconds` },
    { label: "Slack Web API", value: env.SLACK_API_URL },
    { label: "Slack Audit Logs API", value: env.SLACK_AUDIT_API_URL },
    { label: "Slack OAuth", value: env.SLACK_OAUTH_AUTHORIZE_URL },
    { label: "Mail server", value: redactUrl(env.SMTP_URL) },
    { label: "Alarm sender", value: env.ALARM_FROM },
  ];
  return (
    <>
      <div className="space-y-6">
        <Card>
          <CardHeader title="Worker" description="The background process that pulls Slack and sends alarms." />
          <CardBody>
            <WorkerStatus />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Configuration" description="Read from the environment at start-up. Secrets are never shown." />
          <CardBody>
            <dl className="divide-y divide-slate-100 text-sm">
              {configuration.map(({ label, value }) => (
                <div key={label} className="grid grid-cols-3 gap-4 py-2.5">
                  <dt className="text-slate-500">{label}</dt>
                  <dd className="col-span-2 font-mono text-xs break-all text-slate-800">{value}</dd>
                </div>
              ))}
            </dl>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
