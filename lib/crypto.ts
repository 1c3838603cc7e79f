import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getEnv } from "@/lib/env";

// AES-256-GCM envelope for every secret Tributary stores. Format, all parts base64url:
//   v1.<key id>.<12-byte IV>.<ciphertext>.<16-byte tag>
// The key ID travels with the ciphertext so old rows stay readable while a new key is current, and
// `npx tributary keys rotate` can find what still uses an old one. The row ID and field name are
// authenticated data: a ciphertext copied into another row, or into another field of the same row,
// fails to decrypt instead of handing one source's token to another.

export type EncryptionKey = { id: string; key: Buffer };
export type SecretContext = { rowId: string; field: string };

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretErrorReason = "malformed" | "unknown_key" | "authentication_failed";

const REASON_MESSAGES: Record<SecretErrorReason, string> = {
  malformed: "is not a Tributary secret envelope",
  unknown_key: "was encrypted with a key that is not in ENCRYPTION_KEYS",
  authentication_failed: "failed authentication: it was altered, moved from another row, or the key's material changed",
};

/** Never carries plaintext or key material: only which secret and why. */
export class SecretDecryptionError extends Error {
  override name = "SecretDecryptionError";
  constructor(
    readonly reason: SecretErrorReason,
    readonly context: SecretContext,
    readonly keyId?: string,
  ) {
    super(`Secret ${context.field} of ${context.rowId}${keyId ? ` (key ${keyId})` : ""} ${REASON_MESSAGES[reason]}`);
  }
}

function currentKeys(keys?: readonly EncryptionKey[]): readonly EncryptionKey[] {
  const resolved = keys ?? getEnv().ENCRYPTION_KEYS;
  if (resolved.length === 0) throw new Error("No encryption key is configured");
  return resolved;
}

// JSON keeps the two parts unambiguous whatever characters an ID or field name contains.
function additionalData({ rowId, field }: SecretContext): Buffer {
  return Buffer.from(JSON.stringify(["tributary-secret", VERSION, rowId, field]), "utf8");
}

type ParsedEnvelope = { keyId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer };

function parseEnvelope(envelope: string, context: SecretContext): ParsedEnvelope {
  const parts = envelope.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION || !parts[1]) throw new SecretDecryptionError("malformed", context);
  const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  const decoded = { keyId, iv: Buffer.from(iv, "base64url"), ciphertext: Buffer.from(ciphertext, "base64url"), tag: Buffer.from(tag, "base64url") };
  if (decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) throw new SecretDecryptionError("malformed", context, keyId);
  return decoded;
}

/** Encrypts under the current key (the first in ENCRYPTION_KEYS) with a fresh random IV. */
export function encryptSecret(plaintext: string, context: SecretContext, keys?: readonly EncryptionKey[]): string {
  const { id, key } = currentKeys(keys)[0]!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, id, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

export function decryptSecret(envelope: string, context: SecretContext, keys?: readonly EncryptionKey[]): string {
  const { keyId, iv, ciphertext, tag } = parseEnvelope(envelope, context);
  const entry = currentKeys(keys).find((candidate) => candidate.id === keyId);
  if (!entry) throw new SecretDecryptionError("unknown_key", context, keyId);
  try {
    const decipher = createDecipheriv("aes-256-gcm", entry.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError("authentication_failed", context, keyId);
  }
}

/** The key ID an envelope names, without decrypting it; null when it is not an envelope. */
export function envelopeKeyId(envelope: string): string | null {
  const parts = envelope.split(".");
  return parts.length === 5 && parts[0] === VERSION && parts[1] ? parts[1] : null;
}

export function currentKeyId(keys?: readonly EncryptionKey[]): string {
  return currentKeys(keys)[0]!.id;
}

/** Decrypts with whichever configured key sealed it and seals again under the current key. */
export function reencryptSecret(envelope: string, context: SecretContext, keys?: readonly EncryptionKey[]): string {
  return encryptSecret(decryptSecret(envelope, context, keys), context, keys);
}
