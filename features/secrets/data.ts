import { decryptSecret, type EncryptionKey } from "@/lib/crypto";
import { db, type DatabaseClient } from "@/lib/db";

/** The plaintext, for server-side use only (a Slack call); never returned to a browser or logged. */
export async function readSecret(id: string, client: DatabaseClient = db, keys?: readonly EncryptionKey[]): Promise<string> {
  const secret = await client.secret.findUniqueOrThrow({ where: { id }, select: { field: true, ciphertext: true } });
  return decryptSecret(secret.ciphertext, { rowId: id, field: secret.field }, keys);
}

/** How many secrets each key seals, to know when an old key can be removed. */
export async function countSecretsByKey(): Promise<{ keyId: string; count: number }[]> {
  const groups = await db.secret.groupBy({ by: ["keyId"], _count: { _all: true }, orderBy: { keyId: "asc" } });
  return groups.map((group) => ({ keyId: group.keyId, count: group._count._all }));
}
