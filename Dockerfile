# syntax=docker/dockerfile:1
# Tributary's two images from one build, both running as the unprivileged `node` user:
#   docker build --target web -t tributary-web .       next start on :3000
#   docker build --target worker -t tributary-worker . the BullMQ worker, probes on :3001
# Migrations run from the web image before either starts: `prisma migrate deploy` (docker-compose.yml
# does it as its `migrate` service). Configuration is the environment, as in .env.example.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# Only what `npm ci` needs, so a source change does not reinstall. Its postinstall runs
# `prisma generate`, which needs the schema and config but downloads no engine (../README.md).
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY lib/env.ts ./lib/env.ts
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# The build reads no secrets and reaches no service (lib/env.ts parses the environment on first use).
RUN node_modules/.bin/next build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
# The worker and the migrations run from TypeScript sources through tsx, so the whole tree ships.
COPY --from=build --chown=node:node /app /app
USER node

FROM runtime AS worker
# Reachable by the orchestrator's probes (127.0.0.1 would keep them out of the container).
ENV WORKER_HEALTH_HOST=0.0.0.0 \
    WORKER_HEALTH_PORT=3001
EXPOSE 3001
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:3001/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Stops on SIGTERM at a page boundary and exits within its shutdown deadline.
STOPSIGNAL SIGTERM
CMD ["node_modules/.bin/tsx", "worker/index.ts"]

FROM runtime AS web
ENV PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:3000/api/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node_modules/.bin/next", "start", "--hostname", "0.0.0.0"]
