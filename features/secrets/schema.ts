import type { SecretContext } from "@/lib/crypto";

/** Where a secret belongs: e.g. { ownerType: "source", ownerId: source.id, field: "slack.access_token" }. */
export type SecretAddress = { ownerType: string; ownerId: string; field: string };

/** The authenticated data of a secret: its owner's row and the field, never the secrets row itself. */
export function secretContext({ ownerType, ownerId, field }: SecretAddress): SecretContext {
  return { rowId: `${ownerType}/${ownerId}`, field };
}
