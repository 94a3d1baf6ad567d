# syntax=docker/dockerfile:1
# The service image: Node runs the TypeScript sources directly (type stripping), the telemetry
# package's too (`--conditions=source`, as `npm start`), so there is no build stage, only one that
# installs production dependencies. Multi-arch (amd64, arm64) via the
# official Node image.
ARG NODE_IMAGE=node:24.21.0-alpine3.22

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The workspace's manifest: npm links node_modules/fastify-http-telemetry to it.
COPY packages/fastify-http-telemetry/package.json ./packages/fastify-http-telemetry/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
# OTEL_SERVICE_NAME names the traces (the tracing entry reads only OTEL_* variables); keep it
# equal to SERVICE_NAME, the name in log lines.
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    OTEL_SERVICE_NAME=backend
WORKDIR /app
# The service needs node alone: the package managers the base image ships (npm, npx, corepack,
# yarn) are removed with their bundled dependencies, fewer files for an attacker and the scanner.
RUN rm -rf /usr/local/lib/node_modules /opt/yarn-* \
    /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root src ./src
COPY --chown=root:root packages/fastify-http-telemetry/package.json ./packages/fastify-http-telemetry/
COPY --chown=root:root packages/fastify-http-telemetry/src ./packages/fastify-http-telemetry/src
# The official image's unprivileged user; the files above stay root-owned and read-only to it.
USER node
EXPOSE 8080
# No curl or wget needed: Node's own fetch probes liveness.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# As `npm start`: the --import entry starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set.
CMD ["node", "--conditions=source", "--import", "fastify-http-telemetry/instrumentation", "src/server.ts"]
