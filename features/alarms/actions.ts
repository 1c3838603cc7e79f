"use server";

import { updateAlarmSettings } from "@/features/alarms/mutations";
import { countRecentAuditEntries } from "@/features/audit/data";
import { recordAudit } from "@/features/audit/mutations";
import { authorizeAction } from "@/features/auth/session";
import { testAlarmMessage } from "@/features/notifications/messages";
import { findSource } from "@/features/sources/data";
import { alarmSettingsSchemaFor, sourceIdSchema } from "@/features/sources/schema";
import { actionError, actionSuccess, invalidInput, type ActionResult } from "@/lib/action";
import { getEnv } from "@/lib/env";
import { createMailSender } from "@/lib/mail";
import { z } from "zod";

// The drop-off alarm on the source's page (admins only): its settings, and a test email that goes
// out at once through SMTP_URL so the admin sees right there whether mail works.

/** A test email button is not a way to mail people in a loop. */
const TEST_EMAILS_PER_10_MINUTES = 5;

export async function updateAlarmSettingsAction(input: unknown): Promise<ActionResult> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = alarmSettingsSchemaFor(getEnv().ALARM_MIN_THRESHOLD_MINUTES).safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await updateAlarmSettings(parsed.data, authorization.audit);
  if (!result.ok) return { ok: false, error: actionError(result.reason, "This source no longer exists.") };
  return actionSuccess(null);
}

const testInputSchema = z.object({ sourceId: sourceIdSchema });

export async function sendTestAlarmEmailAction(input: unknown): Promise<ActionResult<{ recipients: string[] }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = testInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const source = await findSource(parsed.data.sourceId);
  if (!source) return { ok: false, error: actionError("not_found", "This source no longer exists.") };
  if (source.alarmRecipients.length === 0) return { ok: false, error: actionError("no_recipients", "Add a recipient and save the alarm settings first.") };
  const recent = await countRecentAuditEntries({ action: "source.alarm_test_sent", targetId: source.id, since: new Date(Date.now() - 10 * 60_000) });
  if (recent >= TEST_EMAILS_PER_10_MINUTES) {
    return { ok: false, error: actionError("too_many", `${TEST_EMAILS_PER_10_MINUTES} test emails were sent for this source in the last 10 minutes. Wait a few minutes.`) };
  }
  const env = getEnv();
  const now = new Date();
  const message = testAlarmMessage(
    { id: source.id, name: source.name, logTypes: source.logTypes },
    { requestedBy: authorization.user.email, at: now, recipients: source.alarmRecipients, thresholdMinutes: source.alarmThresholdMinutes, isEnabled: source.alarmEnabled },
    env.PUBLIC_URL,
  );
  const sender = createMailSender(env.SMTP_URL);
  const result = await sender.send({ from: env.ALARM_FROM, to: source.alarmRecipients, ...message, messageId: `<test-${crypto.randomUUID()}@tributary>` });
  sender.close();
  await recordAudit(authorization.audit, {
    action: "source.alarm_test_sent",
    target: { type: "source", id: source.id, label: source.name },
    details: { recipients: source.alarmRecipients, delivered: result.ok, error: result.ok ? null : result.error },
  });
  if (!result.ok) return { ok: false, error: actionError("smtp_failed", `The mail server did not take the test email: ${result.error}`) };
  return actionSuccess({ recipients: source.alarmRecipients });
}
