import { createHash, randomBytes } from "node:crypto";

/** A random, URL-safe, single-use token; only its hash is ever stored. */
export function createOneTimeToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

// SHA-256 without a salt is enough: the token is 256 random bits, not a guessable password.
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
