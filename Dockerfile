# evcms production image: non-root, every role in one process by default (ROLES to split them).
# docker build -t evcms . ; run with a restart policy: deploy/compose.yaml, docs/operations.md.
# Build stage: every dependency, then npm run build (tsc to dist/, with the files the code reads from disk).
FROM node:24-bookworm-slim AS build
WORKDIR /opt/evcms
COPY package.json package-lock.json ./
# npm install rather than npm ci: the lock leaves out other platforms' optional binaries, which ci refuses.
RUN npm install --no-audit --no-fund --loglevel=error
COPY . .
RUN bash scripts/build.sh dist

# Production dependencies only (no tsx, no typescript, no vitest).
FROM node:24-bookworm-slim AS dependencies
WORKDIR /opt/evcms
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

# Runtime: production node_modules + dist + the two scripts that pick the Node flags; plain node, no loader.
FROM node:24-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/var/lib/evcms HOST=0.0.0.0
WORKDIR /opt/evcms
COPY --from=dependencies /opt/evcms/node_modules ./node_modules
COPY --from=build /opt/evcms/dist ./dist
COPY package.json ./
COPY scripts/run.sh scripts/node-flags.sh ./scripts/
RUN mkdir -p /var/lib/evcms && chown node:node /var/lib/evcms
USER node
VOLUME /var/lib/evcms
EXPOSE 8180 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.OCPP_PORT||8180)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM (docker stop) shuts down gracefully; give it the time: docker stop -t 30, or stop_grace_period.
# scripts/run.sh execs plain `node <flags> dist/system/main.js`.
ENTRYPOINT ["bash", "scripts/run.sh"]
