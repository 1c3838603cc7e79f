import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, envelopeKeyId, reencryptSecret, SecretDecryptionError, type EncryptionKey } from "@/lib/crypto";

const oldKey: EncryptionKey = { id: "k2025", key: randomBytes(32) };
const newKey: EncryptionKey = { id: "k2026", key: randomBytes(32) };
const context = { rowId: "secret_abc", field: "slack.client_secret" };
const TOKEN = "xoxp-1234567890-0987654321-abcdefABCDEF";

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretDecryptionError) return error.reason;
    throw error;
  }
  return undefined;
}

function flipByte(envelope: string, partIndex: number): string {
  const parts = envelope.split(".");
  const bytes = Buffer.from(parts[partIndex]!, "base64url");
  bytes[0] = bytes[0]! ^ 0x01;
  parts[partIndex] = bytes.toString("base64url");
  return parts.join(".");
}

describe("secret envelope", () => {
  it("round-trips text, including non-ASCII and empty strings", () => {
    for (const value of [TOKEN, "", "pässwörd 🔑 with spaces"]) {
      expect(decryptSecret(encryptSecret(value, context, [newKey]), context, [newKey])).toBe(value);
    }
  });

  it("never contains the plaintext and uses a fresh IV every time", () => {
    const first = encryptSecret(TOKEN, context, [newKey]);
    const second = encryptSecret(TOKEN, context, [newKey]);
    expect(first).not.toBe(second);
    expect(first.split(".")[2]).not.toBe(second.split(".")[2]);
    expect(first).not.toContain(TOKEN);
    expect(Buffer.from(first.split(".")[3]!, "base64url").toString("latin1")).not.toContain("xoxp");
  });

  it("names the current key and rejects tampering with the ciphertext, the IV or the tag", () => {
    const envelope = encryptSecret(TOKEN, context, [newKey, oldKey]);
    expect(envelopeKeyId(envelope)).toBe("k2026");
    for (const part of [2, 3, 4]) expect(reasonOf(() => decryptSecret(flipByte(envelope, part), context, [newKey]))).toBe("authentication_failed");
  });

  it("does not decrypt when moved to another row or another field", () => {
    const envelope = encryptSecret(TOKEN, context, [newKey]);
    expect(reasonOf(() => decryptSecret(envelope, { ...context, rowId: "secret_other" }, [newKey]))).toBe("authentication_failed");
    expect(reasonOf(() => decryptSecret(envelope, { ...context, field: "slack.access_token" }, [newKey]))).toBe("authentication_failed");
  });

  it("rejects a key ID that is not configured, or a key relabelled with another key's ID", () => {
    const envelope = encryptSecret(TOKEN, context, [oldKey]);
    expect(reasonOf(() => decryptSecret(envelope, context, [newKey]))).toBe("unknown_key");
    const relabelled = envelope.replace(".k2025.", ".k2026.");
    expect(reasonOf(() => decryptSecret(relabelled, context, [newKey, oldKey]))).toBe("authentication_failed");
  });

  it("rejects what is not an envelope", () => {
    for (const value of ["", "plain text", "v2.k.a.b.c", "v1..AAAA.AAAA.AAAA", "v1.k2026.short.AAAA.AAAA"]) {
      expect(reasonOf(() => decryptSecret(value, context, [newKey]))).toBe("malformed");
    }
    expect(envelopeKeyId("plain text")).toBeNull();
  });

  it("rotates: an old envelope is re-sealed under the current key and still reads the same", () => {
    const old = encryptSecret(TOKEN, context, [oldKey]);
    const rotated = reencryptSecret(old, context, [newKey, oldKey]);
    expect(envelopeKeyId(rotated)).toBe("k2026");
    expect(decryptSecret(rotated, context, [newKey])).toBe(TOKEN);
    // Once rotated the old key can be dropped from ENCRYPTION_KEYS.
    expect(reasonOf(() => decryptSecret(old, context, [newKey]))).toBe("unknown_key");
  });

  it("keeps secrets and key material out of error messages", () => {
    const envelope = encryptSecret(TOKEN, context, [oldKey]);
    try {
      decryptSecret(envelope, { ...context, rowId: "elsewhere" }, [oldKey]);
      expect.unreachable();
    } catch (error) {
      const message = String((error as Error).message) + JSON.stringify(error);
      expect(message).not.toContain(TOKEN);
      expect(message).not.toContain(oldKey.key.toString("base64"));
      expect(message).toContain("slack.client_secret");
    }
  });
});
