# One image for both roles: ROLE=worker or ROLE=api (docker-compose.yml runs one service each).
# Build:  docker build -t trygg-utskrivning .
#
# The base is pinned to the Node release the project is developed and tested on (node 20.20.2);
# bookworm (glibc) because the native parts the worker loads at run time — the Temporal core
# bridge and @swc/core, which bundles the workflow code — ship glibc builds in the lockfile.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: install every dependency, compile TypeScript, then drop the dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# `npm ci` installs exactly what package-lock.json records and fails if it is out of sync with
# package.json. The lockfile lacks the darwin/win32 builds of some optional native packages
# (@swc/core-*), but records the linux x64 and arm64 (glibc and musl) ones, which are all a
# Linux image needs; so `npm ci` works here and no `npm install` fallback is used.
# patches/: npm's postinstall (patch-package) applies them to the installed dependencies
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund

# .dockerignore keeps node_modules, dist, tests and local data out of this copy.
COPY . .
# The worker bundles the workflow code at start-up from dist/workflows (webpack + swc inside
# @temporalio/worker, production dependencies), so the build must have produced it.
# The staff workspace (web/, issue 19): its API types from the app's own /openapi.json, then Vite.
RUN npm run build \
 && test -f dist/src/main.js \
 && test -f dist/workflows/index.js \
 && npx tsx web/scripts/build.ts \
 && test -f web/dist/index.html \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled code and production dependencies only, run as the unprivileged user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
WORKDIR /app

# Code and dependencies stay owned by root (read-only for the process); only /data is writable.
# DATA_DIR is used only without DATABASE_URL (embedded PGlite ledger).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# the indicator report page's static files (src/api/routes/indicators.ts serves them next to its compiled code)
COPY --from=build /app/src/api/static ./dist/src/api/static
# the staff workspace, served at / (src/api/web.ts finds it beside dist/)
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data

USER node
# 3000: HTTP API (ROLE=api). 9464: worker's Temporal core metrics when TEMPORAL_METRICS_BIND=0.0.0.0:9464.
EXPOSE 3000 9464
CMD ["node", "dist/src/main.js"]
