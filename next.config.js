/** @type {import('next').NextConfig} */
const nextConfig = {
  // The benchmark (bench/) builds and serves its own copy here, so it never touches the .next that
  // `npm run build`, the tests and a developer's server use.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // Loaded from node_modules at run time rather than bundled: Prisma's runtime loads its query
  // compiler (WebAssembly) relative to its own files, and pino/pg use Node built-ins dynamically.
  // Bull Board finds its UI's files (served by app/admin/queues) with an eval'd require.resolve, and
  // ejs reads the UI's page template from there.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "pino", "ioredis", "bullmq", "@bull-board/api", "@bull-board/ui", "ejs"],
  typedRoutes: true,
  // forbidden() renders app/forbidden.tsx with HTTP 403 for a signed-in user whose role lacks access.
  experimental: { authInterrupts: true },
  // Fixed headers for every response, _next/static included (the proxy skips it). Those that depend
  // on the request or on PUBLIC_URL (CSP with its nonce, HSTS) are set by proxy.ts at run time:
  // these are decided at build time.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          // Not no-referrer: that also sends "Origin: null" on same-origin form posts, which Next's
          // server-action origin check refuses. Other sites still get only the origin, never a path.
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          // For browsers that predate CSP's frame-ancestors.
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
        ],
      },
      {
        // Outside the proxy's matcher, so no nonce policy here; a script or SVG opened on its own
        // must still not run or be framed. Only these paths, as two policies would both be enforced.
        source: "/_next/static/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      },
    ];
  },
};

export default nextConfig;
