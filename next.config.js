/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Loaded from node_modules at run time rather than bundled: Prisma's runtime loads its query
  // compiler (WebAssembly) relative to its own files, and pino/pg use Node built-ins dynamically.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "pino", "ioredis", "bullmq"],
  typedRoutes: true,
  // forbidden() renders app/forbidden.tsx with HTTP 403 for a signed-in user whose role lacks access.
  experimental: { authInterrupts: true },
};

export default nextConfig;
