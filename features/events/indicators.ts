// Indicator fields feed p_any_ip_addresses, p_any_emails and p_any_usernames, which analysts search
// across log types. A value that is not really an IP or an email would turn those searches into noise
// (Slack's own audit example carries the IP "1.23.45.678"), so only valid values are collected, in one
// canonical spelling so that the same address always matches.

import { isIP, SocketAddress } from "node:net";

export const INDICATORS = ["ip", "email", "username"] as const;
export type Indicator = (typeof INDICATORS)[number];

const MAX_EMAIL_LENGTH = 254;
const MAX_USERNAME_LENGTH = 256;
// Longer than any IPv6 text with a zone; checked first so isIP never scans a megabyte string.
const MAX_IP_LENGTH = 64;

// Postgres text and jsonb cannot hold U+0000, so such a value would fail the whole insert downstream.
const hasNul = (value: string): boolean => value.includes("\u0000");

function canonicalizeIp(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.length > MAX_IP_LENGTH) return null;
  // A zone ("fe80::1%eth0") names an interface on the logging host; it is not part of the address.
  const address = trimmed.split("%", 1)[0] ?? "";
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return null;
  // RFC 5952 form (lowercase, longest zero run compressed), so "2001:DB8:0::1" and "2001:db8::1" match.
  return new SocketAddress({ address, family: "ipv6" }).address;
}

function canonicalizeEmail(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH || /\s/.test(trimmed)) return null;
  const parts = trimmed.split("@");
  if (parts.length !== 2) return null;
  const [local = "", domain = ""] = parts;
  if (local === "" || !domain.includes(".")) return null;
  if (domain.split(".").some((label) => label === "")) return null;
  return trimmed.toLowerCase();
}

function canonicalizeUsername(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "" || trimmed.length > MAX_USERNAME_LENGTH ? null : trimmed;
}

/** The value as stored in p_any_*, or null when it is not a valid value of that indicator. */
export function canonicalizeIndicator(indicator: Indicator, value: string): string | null {
  if (hasNul(value)) return null;
  switch (indicator) {
    case "ip":
      return canonicalizeIp(value);
    case "email":
      return canonicalizeEmail(value);
    case "username":
      return canonicalizeUsername(value);
  }
}
