import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// scrypt from node:crypto: no native addon to build, and memory-hard. Parameters are stored with
// the hash so they can be raised later without invalidating existing passwords.
const PARAMETERS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const MAX_MEMORY = 128 * PARAMETERS.N * PARAMETERS.r * 2;


function deriveKey(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_LENGTH, { ...PARAMETERS, maxmem: MAX_MEMORY });
  return ["scrypt", PARAMETERS.N, PARAMETERS.r, PARAMETERS.p, salt.toString("base64"), key.toString("base64")].join("$");
}

/** Constant-time check; a malformed stored hash is a mismatch, never an exception. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, expected] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !expected) return false;
  const options = { N: Number(n), r: Number(r), p: Number(p) };
  if (![options.N, options.r, options.p].every((value) => Number.isSafeInteger(value) && value > 0)) return false;
  const expectedKey = Buffer.from(expected, "base64");
  if (expectedKey.length === 0) return false;
  const key = await deriveKey(password, Buffer.from(salt, "base64"), expectedKey.length, {
    ...options,
    maxmem: 128 * options.N * options.r * 2,
  });
  return timingSafeEqual(key, expectedKey);
}

/** A random password for bootstrap accounts: 24 URL-safe characters (~143 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}
