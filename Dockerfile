# syntax=docker/dockerfile:1
# The akb production image: the Next.js build and the server compiled ahead of time (dist/server.mjs, by
# `npm run build:server`), run by plain node on a supported LTS, with runtime dependencies only.
# Build: docker build -t registry.example.com/akb:0.1.0 .
# No secrets are baked in: APIC credentials and the UI token arrive at run time from mounted Secrets.
#
# Node 22 LTS on Debian 12, pinned by digest so a rebuild gets the same base until the digest is bumped on
# purpose (let Renovate or Dependabot's docker updates propose it). The code also runs on Node 20 and 24.
ARG NODE_IMAGE=node:22-bookworm-slim@sha256:f32b81066cde10a75dbac96646099533316d94bac4150c55da1636e1f0ffdc46

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build \
 && npm run build:server \
 && rm -rf .next/cache

# Runtime dependencies from a clean install, without the TypeScript compilers the `akb` command uses in a
# checkout (tsx, esbuild): the image runs compiled JavaScript only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/tsx node_modules/esbuild node_modules/@esbuild node_modules/.bin

FROM ${NODE_IMAGE}
# No package manager at run time.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOME=/tmp
WORKDIR /app
# Owned by root and read-only to the service user: the container needs no writable application files.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/next.config.ts ./
COPY --from=build /app/dist ./dist
COPY --from=build /app/.next ./.next
COPY --from=build /app/public ./public
# deploy/ for `node dist/akb.mjs plan`; the lab's scenarios for `--lab` (a demo without a cluster).
COPY --from=build /app/deploy ./deploy
COPY --from=build /app/lib/lab/scenarios ./lib/lab/scenarios
# Writable cache for `docker run` without volumes; in Kubernetes an emptyDir is mounted here.
RUN mkdir -p /app/.next/cache && chown 10001:10001 /app/.next/cache
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/server.mjs"]
CMD ["--host", "0.0.0.0", "--port", "3000"]
