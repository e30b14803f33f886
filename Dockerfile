# syntax=docker/dockerfile:1
# Keyward in a container: `docker build -t keyward .`, then see compose.yaml and docs/deploy.md.
# test/deploy/dockerfile.test.ts holds this file to its rules (base images pinned by digest, no
# download beyond the package registries, native code compiled here, non-root, healthcheck, data
# volume, production dependencies only, no secrets baked in).
#
# The base image is pinned by the digest of its multi-platform index, so a rebuild gets the same
# bytes and a moved tag cannot change them. To update: `docker buildx imagetools inspect
# node:20-bookworm-slim` prints the tag's current digest; put it in every FROM below (Renovate's
# and Dependabot's docker managers update `tag@digest` pins the same way).

# --- deps: production dependencies, better-sqlite3 compiled from source with its toolchain ---
# better-sqlite3's install script would fetch a prebuilt binary from a code host, which an
# egress-restricted build cannot reach. Building from source needs only Debian's packages, the npm
# registry, and the headers of the very Node this image runs (npm_config_nodedir: node-gyp would
# otherwise download them too).
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

# --- build: compile the server (TypeScript) and the management UI (Vite) ---
# Nothing built here needs a native module at build time: install scripts are skipped, so this
# stage downloads nothing either (esbuild and rollup come as per-platform npm packages).
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY ui ./ui
COPY model ./model
RUN npm run build

# --- runtime: the compiled dependencies and the build output, run as the unprivileged `node` user ---
# No install runs here, and no compiler is here: node_modules comes whole from the deps stage.
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS runtime
ENV NODE_ENV=production \
    KEYWARD_HOST=0.0.0.0 \
    KEYWARD_PORT=7600 \
    KEYWARD_DATA_DIR=/var/lib/keyward
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
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
