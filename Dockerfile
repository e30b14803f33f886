# syntax=docker/dockerfile:1
# Keyward in a container: `docker build -t keyward .`, then see compose.yaml and docs/deploy.md.
# test/deploy/dockerfile.test.ts holds this file to its rules (multi-stage, non-root, healthcheck,
# data volume, production dependencies only, no secrets baked in).

# --- build: compile the server (TypeScript) and the management UI (Vite) ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY ui ./ui
COPY model ./model
RUN npm run build

# --- runtime: production dependencies and the build output, run as the unprivileged `node` user ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    KEYWARD_HOST=0.0.0.0 \
    KEYWARD_PORT=7600 \
    KEYWARD_DATA_DIR=/var/lib/keyward
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# better-sqlite3 fetches its prebuilt binary for this Node and libc; no compiler is needed.
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY model ./model
# The data dir holds the SQLite file, the generated pepper and root.key (all 0600): keep it on a volume.
RUN mkdir -p /var/lib/keyward && chown node:node /var/lib/keyward
VOLUME ["/var/lib/keyward"]
USER node
EXPOSE 7600
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.KEYWARD_PORT || 7600) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]
