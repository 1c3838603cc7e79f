import { secretContext, type SecretAddress } from "@/features/secrets/schema";
import { currentKeyId, encryptSecret, reencryptSecret, SecretDecryptionError, type EncryptionKey } from "@/lib/crypto";
import { db, type DatabaseClient } from "@/lib/db";

// Secrets are written only through here, each sealed with its owner and field as authenticated data
// (lib/crypto.ts), so a ciphertext moved to another owner or field fails to decrypt.

/** Stores or replaces the secret at this address, sealed under the current key. */
export async function storeSecret(address: SecretAddress, plaintext: string, client: DatabaseClient = db, keys?: readonly EncryptionKey[]) {
  const sealed = { keyId: currentKeyId(keys), ciphertext: encryptSecret(plaintext, secretContext(address), keys) };
  await client.secret.upsert({
    where: { ownerType_ownerId_field: address },
    create: { ...address, ...sealed },
    update: sealed,
    select: { id: true },
  });
}

/** Erases one secret (a token that no longer belongs to its owner). */
export async function deleteSecret(address: SecretAddress, client: DatabaseClient = db) {
  await client.secret.deleteMany({ where: address });
}

/** Erases every secret of an owner (a deleted source's client secret and token). */
export async function deleteSecretsOf(owner: Omit<SecretAddress, "field">, client: DatabaseClient = db) {
  await client.secret.deleteMany({ where: owner });
}

export type RotationFailure = SecretAddress & { keyId: string; reason: SecretDecryptionError["reason"] };
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
      select: { id: true, ownerType: true, ownerId: true, field: true, keyId: true, ciphertext: true },
    });
    if (batch.length === 0) return report;
    afterId = batch.at(-1)!.id;
    const updates = [];
    for (const { id, keyId, ciphertext, ...address } of batch) {
      try {
        const resealed = reencryptSecret(ciphertext, secretContext(address), options.keys);
        updates.push(db.secret.updateMany({ where: { id, ciphertext }, data: { keyId: report.currentKeyId, ciphertext: resealed } }));
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        report.failures.push({ ...address, keyId, reason: error.reason });
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
