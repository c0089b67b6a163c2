# syntax=docker/dockerfile:1
# Ledgerline middleware image: build with `docker build -t ledgerline .` from the repository root.
# NODE_IMAGE is the base of every stage (the official Node 22 image by default; scripts/image/check.sh passes
# a locally made one where registries cannot be reached).
ARG NODE_IMAGE=docker.io/library/node:22-bookworm-slim

# --- toolchain: the manifests, and a compiler where the base has none -------------------------------------
FROM ${NODE_IMAGE} AS toolchain
WORKDIR /app
# better-sqlite3 is a native addon: without a prebuilt binary for this platform it compiles here.
RUN if ! (command -v make && command -v g++ && command -v python3) >/dev/null 2>&1; then \
      apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*; \
    fi
COPY package.json package-lock.json ./
# Not middleware/emulators/package.json (nor anything else of the emulators, see .dockerignore): npm counts a
# root workspace as a production dependency, so with it present `npm ci --omit=dev` would install the emulators
# and their dependencies; without it the middleware's production tree is the same as before they became a
# workspace. The build stage's full install then only leaves a dangling link node_modules/@ledgerline/emulators.
COPY middleware/package.json middleware/

# --- deps: production dependencies only (rebuilt only when a manifest changes) -----------------------------
FROM toolchain AS deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --workspace middleware --omit=dev --no-audit --no-fund && mkdir -p middleware/node_modules

# --- build: all dependencies, TypeScript compiled to middleware/dist ----------------------------------------
FROM toolchain AS build
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --workspace middleware --no-audit --no-fund
COPY tsconfig.json ./
COPY middleware/ middleware/
RUN npm run build --workspace middleware

# --- runtime ------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# MALLOC_ARENA_MAX=2: glibc otherwise gives each of Node's threads (libuv's pool, V8's helpers) a malloc arena of
# its own, about 7 MB of resident memory in fragments under load; the Procfile and npm start set the same.
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=sqlite:/data/ledgerline.db \
    MALLOC_ARENA_MAX=2
WORKDIR /app
RUN (id -u ledgerline >/dev/null 2>&1 || useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin ledgerline) \
    && mkdir -p /data && chown ledgerline:ledgerline /data
COPY --from=deps /app/package.json ./
COPY --from=deps /app/node_modules node_modules/
COPY --from=deps /app/middleware/node_modules middleware/node_modules/
COPY --from=build /app/middleware/package.json middleware/
COPY --from=build /app/middleware/dist middleware/dist/
COPY --from=build /app/middleware/config middleware/config/
USER 10001
VOLUME ["/data"]
EXPOSE 3000
# /readyz answers 200 once the database answers and a QuickBooks company is connected (503 before that).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 (exec form, no shell or npm in between), so SIGTERM reaches the middleware: it stops
# taking requests, lets running jobs finish for up to 10 s, waits up to 5 s more for QuickBooks to answer the
# creates they sent, and releases the rest to other workers (a job whose create is still unanswered keeps its
# lease until it expires, so no other worker can create it again before QuickBooks commits it).
# --max-semi-space-size=2: V8's young generation otherwise reserves up to 3 × 16 MB. --heap-growing-percent=20:
# the old generation may grow 20 % past what the last full collection kept, not up to 4×; with 2 MB semi-spaces
# a backlog's short-lived objects reach it, and V8 otherwise let it fill to about 70 MB for 45 MB live. With
# both, the middleware stays under 150 MB RSS through a 10,000-job backlog (`npm run bench -- backlog`).
# Procfile and npm start agree.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=20", "middleware/dist/main.js"]
