import { afterAll, describe, expect, it } from "vitest";
import { readSecret } from "@/features/secrets/data";
import { deleteSecretsOf, storeSecret } from "@/features/secrets/mutations";
import { SecretDecryptionError } from "@/lib/crypto";
import { db, disconnectDatabase } from "@/lib/db";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

afterAll(async () => {
  await disconnectDatabase();
});

const sourceAddress = (field = "slack.access_token") => ({ ownerType: "source", ownerId: `src_${uniqueSuffix()}`, field });

describe("stored secrets", () => {
  it("are stored sealed, read back, replaced and erased with their owner", async () => {
    const address = sourceAddress();
    await storeSecret(address, "xoxp-first");
    const row = await db.secret.findUniqueOrThrow({ where: { ownerType_ownerId_field: address } });
    expect(row.ciphertext).not.toContain("xoxp-first");
    expect(await readSecret(address)).toBe("xoxp-first");

    await storeSecret(address, "xoxp-second");
    expect(await readSecret(address)).toBe("xoxp-second");
    expect(await db.secret.count({ where: { ownerId: address.ownerId } })).toBe(1);

    await storeSecret({ ...address, field: "slack.client_secret" }, "client-secret");
    await deleteSecretsOf({ ownerType: "source", ownerId: address.ownerId });
    expect(await readSecret(address)).toBeNull();
    expect(await db.secret.count({ where: { ownerId: address.ownerId } })).toBe(0);
  });

  it("do not decrypt when a ciphertext is copied to another source or another field", async () => {
    const victim = sourceAddress();
    const attacker = sourceAddress();
    await storeSecret(victim, "xoxp-victim-token");
    await storeSecret(attacker, "xoxp-attacker-token");
    await storeSecret({ ...attacker, field: "slack.client_secret" }, "attacker-secret");
    const { ciphertext } = await db.secret.findUniqueOrThrow({ where: { ownerType_ownerId_field: victim }, select: { ciphertext: true } });

    for (const target of [attacker, { ...attacker, field: "slack.client_secret" }]) {
      await db.secret.update({ where: { ownerType_ownerId_field: target }, data: { ciphertext } });
      const error = await readSecret(target).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SecretDecryptionError);
      expect((error as SecretDecryptionError).reason).toBe("authentication_failed");
    }
  });
});
