# syntax=docker/dockerfile:1
# whats-workers: `docker build -t whats-workers .` then
# `docker run -p 8000:8000 -e DATABASE_URL=... -e REDIS_URL=... -e RUN_MIGRATIONS=true whats-workers`
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- every dependency, to build ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency install script is needed (swc and Prisma's query compiler ship as
# packages), and Prisma's engine download must not run; our own `prisma generate` runs in the build stage.
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- compile: Prisma client into src/generated, then nest build (swc) into dist ----
FROM deps AS build
COPY prisma.config.ts tsconfig.json tsconfig.build.json nest-cli.json .swcrc ./
COPY prisma ./prisma
COPY src ./src
# prisma.config.ts sets PRISMA_SCHEMA_ENGINE_BINARY, so generate never downloads an engine
RUN npx prisma generate && npm run build

# ---- production dependencies only ----
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8000
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node prisma ./prisma
COPY --chown=node:node scripts ./scripts
COPY --chown=node:node package.json ./
# ./.data holds the embedded database when DATABASE_URL is unset (mount a volume there to keep it)
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT?.trim()||8000)+'/health/workers',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# RUN_MIGRATIONS=true (also 1 or yes, in any case, as the service reads it) applies prisma/migrations to
# DATABASE_URL first (wasm schema engine, no binary download; the embedded database, used when
# DATABASE_URL is unset or blank, migrates itself at start-up). Its output goes to stderr: stdout carries only
# JSON log lines.
# `exec` makes node PID 1, so `docker stop`'s SIGTERM reaches it and running jobs drain.
CMD ["sh", "-c", "case \"$(echo $RUN_MIGRATIONS | tr A-Z a-z)\" in true|1|yes) if [ -n \"$(printf %s \"$DATABASE_URL\" | tr -d '[:space:]')\" ]; then node scripts/prisma-wasm.mjs deploy 1>&2 || exit 1; fi;; esac; exec node dist/main"]
