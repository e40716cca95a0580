# syntax=docker/dockerfile:1
# The akb production image: the Next.js build plus the TypeScript sources that server.ts runs through tsx.
# Build: docker build -t registry.example.com/akb:0.1.0 .
# No secrets are baked in: APIC credentials and the UI token arrive at run time from mounted Secrets.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Build, then keep only runtime dependencies (tsx, next, ws, ... are dependencies, not devDependencies).
RUN npx next build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .next/cache

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOME=/tmp
WORKDIR /app
# Owned by root and read-only to the service user: the container needs no writable application files.
COPY --from=build /app /app
# Writable cache for `docker run` without volumes; in Kubernetes an emptyDir is mounted here.
RUN mkdir -p /app/.next/cache && chown 10001:10001 /app/.next/cache
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--import", "tsx", "server.ts"]
CMD ["--host", "0.0.0.0", "--port", "3000"]
