# One image for the API and the workers; docker-compose.yml picks the command.
# Two stages: TypeScript is compiled once at build time, and the image runs plain JavaScript with
# production dependencies only (no compiler, no tsx, no test tools).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# espeak-ng voices each clinic's name for the phone line's greeting (the shipped clips were made with it too).
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The embedded PGlite's home when DATABASE_URL is unset (mount a volume here to keep it).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# The API's liveness. A worker container overrides this (docker-compose.yml: dist/workers/healthcheck.js).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node itself receives SIGTERM (not npm or a shell) and shuts down gracefully. Run it with an
# init (compose `init: true`, or `docker run --init`) so signals are forwarded and stray processes reaped.
# Default: API and workers in one process. --api-only and dist/workers/index.js split them (see compose).
CMD ["node", "dist/src/main.js"]
