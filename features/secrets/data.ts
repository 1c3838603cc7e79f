import { secretContext, type SecretAddress } from "@/features/secrets/schema";
import { decryptSecret, type EncryptionKey } from "@/lib/crypto";
import { db, type DatabaseClient } from "@/lib/db";

/** The plaintext, for server-side use only (a Slack call); never returned to a browser or logged. Null when none is stored. */
export async function readSecret(address: SecretAddress, client: DatabaseClient = db, keys?: readonly EncryptionKey[]): Promise<string | null> {
  const secret = await client.secret.findUnique({ where: { ownerType_ownerId_field: address }, select: { ciphertext: true } });
  return secret ? decryptSecret(secret.ciphertext, secretContext(address), keys) : null;
}

/** How many secrets each key seals, to know when an old key can be removed. */
export async function countSecretsByKey(): Promise<{ keyId: string; count: number }[]> {
  const groups = await db.secret.groupBy({ by: ["keyId"], _count: { _all: true }, orderBy: { keyId: "asc" } });
  return groups.map((group) => ({ keyId: group.keyId, count: group._count._all }));
}

/** Whether a secret is stored, without decrypting it: what a page may know ("saved ••••"). */
export async function hasSecret(address: SecretAddress, client: DatabaseClient = db): Promise<boolean> {
  return (await client.secret.count({ where: address })) > 0;
}
