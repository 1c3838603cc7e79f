import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { Providers } from "@/app/providers";
import { THEME_SCRIPT } from "@/components/layout/theme";
import { readScriptNonce } from "@/lib/security-headers";
import "./globals.css";

// Every page, the 404 included, is rendered per request: Next.js puts the proxy's CSP nonce on its
// scripts only while rendering, so a page prerendered at build time would have its scripts blocked.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Tributary", template: "%s · Tributary" },
  description: "Onboard Slack audit, access and integration logs into your security pipeline.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = readScriptNonce((await headers()).get("content-security-policy"));
  // The theme script sets data-theme on <html> before the first paint (no white flash in the dark
  // theme), hence suppressHydrationWarning: those attributes are not in the server's HTML. It runs
  // under the page's nonce like Next's own scripts, so the policy needs no 'unsafe-inline' or hash.
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
