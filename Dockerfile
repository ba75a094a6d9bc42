# syntax=docker/dockerfile:1
# LesSpiegel's production image (docs/operations.md): built in one stage, run from a slim one
# that holds only what server.js needs. No secret is baked in: configuration comes from the
# environment at run time (compose.yaml, .env).

ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so a change of the sources does not reinstall them. patch-package runs on
# install (postinstall) and fixes the PostgreSQL driver (docs/architecture.md). npm ci refuses
# the lock file where the registry lacks another platform's optional build (seen on ours), so
# it falls back to npm install, which keeps to the lock file's versions, as .ci/run does.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY . .
RUN npm run build \
	&& npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
	HOST=0.0.0.0 \
	PORT=3000 \
	DATA_DIR=/data \
	MIGRATIONS_DIR=/app/drizzle
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/patches ./patches
COPY --from=build /app/build ./build
COPY --from=build /app/build-cli ./build-cli
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/server.js ./
# The embedded database (when DATABASE_URL is unset) and the daily backups (BACKUP_DIR) belong
# to the unprivileged user the server runs as.
RUN mkdir -p /data /backups && chown node:node /data /backups
USER node
VOLUME ["/data", "/backups"]
EXPOSE 3000
# server.js drains in-flight requests on SIGTERM and closes the database (within 10 s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
	CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=32", "server.js"]
