import { randomBytes } from "node:crypto";
import { currentKeyId, encryptSecret, reencryptSecret, SecretDecryptionError, type EncryptionKey } from "@/lib/crypto";
import { db, type DatabaseClient } from "@/lib/db";

// Secrets are written only through here, so every one is sealed with its own row ID as
// authenticated data (lib/crypto.ts). The ID is chosen before the insert for that reason.

export async function storeSecret(field: string, plaintext: string, client: DatabaseClient = db, keys?: readonly EncryptionKey[]): Promise<string> {
  const id = `sec_${randomBytes(12).toString("hex")}`;
  const ciphertext = encryptSecret(plaintext, { rowId: id, field }, keys);
  await client.secret.create({ data: { id, field, keyId: currentKeyId(keys), ciphertext }, select: { id: true } });
  return id;
}

export async function replaceSecret(id: string, plaintext: string, client: DatabaseClient = db, keys?: readonly EncryptionKey[]) {
  const { field } = await client.secret.findUniqueOrThrow({ where: { id }, select: { field: true } });
  await client.secret.update({ where: { id }, data: { keyId: currentKeyId(keys), ciphertext: encryptSecret(plaintext, { rowId: id, field }, keys) }, select: { id: true } });
}

export async function deleteSecrets(ids: string[], client: DatabaseClient = db) {
  await client.secret.deleteMany({ where: { id: { in: ids } } });
}

export type RotationFailure = { id: string; field: string; keyId: string; reason: SecretDecryptionError["reason"] };
export type RotationReport = { currentKeyId: string; rotated: number; skipped: number; failures: RotationFailure[] };

/**
 * Re-seals every secret not under the current key, in batches, walking the primary key so each row
 * is visited once even when some cannot be decrypted. Safe to stop and run again: a row is written
 * only if it still holds the ciphertext that was read (a concurrent write wins and is skipped), and
 * rows already under the current key are never selected.
 */
export async function rotateSecrets(options: { batchSize?: number; keys?: readonly EncryptionKey[]; onBatch?: (report: RotationReport) => void } = {}): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  const report: RotationReport = { currentKeyId: currentKeyId(options.keys), rotated: 0, skipped: 0, failures: [] };
  let afterId = "";
  for (;;) {
    const batch = await db.secret.findMany({
      where: { keyId: { not: report.currentKeyId }, id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: batchSize,
      select: { id: true, field: true, keyId: true, ciphertext: true },
    });
    if (batch.length === 0) return report;
    afterId = batch.at(-1)!.id;
    const updates = [];
    for (const secret of batch) {
      try {
        const ciphertext = reencryptSecret(secret.ciphertext, { rowId: secret.id, field: secret.field }, options.keys);
        updates.push(db.secret.updateMany({ where: { id: secret.id, ciphertext: secret.ciphertext }, data: { keyId: report.currentKeyId, ciphertext } }));
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        report.failures.push({ id: secret.id, field: secret.field, keyId: secret.keyId, reason: error.reason });
      }
    }
    const results = await db.$transaction(updates);
    for (const { count } of results) {
      if (count === 1) report.rotated += 1;
      else report.skipped += 1;
    }
    options.onBatch?.(report);
  }
}
