# atiende in a container (issue 17). Multi-stage: the build stage compiles dist/ and, unless
# EMBEDDED_DB=false, the embedded database (FerretDB, Go); the runtime stage has Node, the
# production node_modules, dist/, locales/ and that binary, and runs as a user without rights.
#
#   docker build -t atiende .                          # with the embedded database
#   docker build --build-arg EMBEDDED_DB=false -t atiende .
#   docker run -p 3978:3978 -e MONGODB_URI=mongodb://db/atiende atiende   # on MongoDB
#   docker run -p 3978:3978 -v atiende-data:/app/data atiende             # embedded database
#
# Written and checked by a test that parses it (test/unit/ops/container-files.test.ts);
# not built here: no container engine runs on the machine this was written on (see README).

ARG NODE_IMAGE=node:20-bookworm-slim
ARG GO_IMAGE=golang:1.26-bookworm

FROM ${GO_IMAGE} AS go

FROM ${NODE_IMAGE} AS build
ARG EMBEDDED_DB=true
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY tools ./tools
COPY src ./src
COPY locales ./locales
RUN npm run build
# The embedded database, built once into .cache/ferretdb/<hash of its sources>/ where atiende
# looks for it (the same hash as at run time: the same tools/ferretdb sources are copied).
COPY --from=go /usr/local/go /usr/local/go
RUN if [ "$EMBEDDED_DB" = "true" ]; then \
      PATH="/usr/local/go/bin:$PATH" node -e \
        "import('./dist/bot/database/embedded-ferretdb.js').then((m) => m.ensureFerretdbBinary())"; \
    else mkdir -p .cache/ferretdb; fi
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    ATIENDE_DATA_DIR=/app/data
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/locales ./locales
COPY --from=build --chown=root:root /app/tools/ferretdb ./tools/ferretdb
COPY --from=build --chown=root:root /app/.cache ./.cache
# The only place the process writes: the embedded database's files (a volume).
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3978
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM (docker stop) is a clean stop; docker's default 10 s grace matches
# ATIENDE_SHUTDOWN_TIMEOUT_MS, so keep stop_grace_period above it if you raise it.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/app/main.js"]
