// The security headers that change per request or with run-time configuration; proxy.ts sets them.
// The fixed ones (nosniff, Referrer-Policy, X-Frame-Options…) are in next.config.js, which also
// reaches _next/static, where the proxy never runs.

export type SecurityHeaderOptions = {
  nonce: string;
  /** `next dev` only: React rebuilds server error stacks in the browser with eval. */
  isDevelopment: boolean;
  /** Whether the console is served over HTTPS (PUBLIC_URL), read at run time, not at build. */
  isHttps: boolean;
};

// Two years, the usual preload-list minimum. includeSubDomains only covers names below the
// console's own host; `preload` stays the operator's decision, since it is hard to undo.
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/** 128 random bits in base64, a form Next.js recognises when it looks for the nonce in the policy. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/** By the parsed scheme, so that "HTTPS://…" (which PUBLIC_URL validation accepts) counts too. */
export function isHttpsUrl(url: string): boolean {
  return URL.canParse(url) && new URL(url).protocol === "https:";
}

export function buildContentSecurityPolicy({ nonce, isDevelopment, isHttps }: SecurityHeaderOptions): string {
  const directives: string[][] = [
    ["default-src", "'self'"],
    // 'strict-dynamic': scripts loaded by a nonced script (Next's chunks) are trusted, nothing else.
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(isDevelopment ? ["'unsafe-eval'"] : [])],
    // Inline styles stay allowed: React's style={…} attributes and the route announcer cannot carry a
    // nonce (and a nonce in style-src would switch 'unsafe-inline' off). CSS cannot run script.
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'", "data:"],
    ["connect-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    // Over plain HTTP this would send every subresource to an https:// address nobody serves.
    ...(isHttps ? [["upgrade-insecure-requests"]] : []),
  ];
  return directives.map((directive) => directive.join(" ")).join("; ");
}

/**
 * The nonce in a policy built above, for an inline script of our own (the theme script in
 * app/layout.tsx): proxy.ts puts the policy on the request, where Next.js finds it for its scripts.
 */
export function readScriptNonce(policy: string | null): string | undefined {
  const scriptSources = policy?.split(";").find((directive) => directive.trim().startsWith("script-src "));
  return /'nonce-([A-Za-z0-9+/=]+)'/.exec(scriptSources ?? "")?.[1];
}

export type SecurityHeaders = { "Content-Security-Policy": string; "Strict-Transport-Security"?: string };

export function buildSecurityHeaders(options: SecurityHeaderOptions): SecurityHeaders {
  return {
    "Content-Security-Policy": buildContentSecurityPolicy(options),
    // Only meaningful (and only honoured by browsers) on a response that came over HTTPS.
    ...(options.isHttps ? { "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY } : {}),
  };
}
