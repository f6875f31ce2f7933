# syntax=docker/dockerfile:1
# One image per service, from this one file:
#   docker build --build-arg SERVICE=catalog -t shop/catalog .
# The image holds the service's compiled code, the compiled shop packages it references and its
# production dependencies; nothing else (no sources, tests, TypeScript, npm cache or dev secrets).
# At run time: non-root (uid 1000), nothing written to the filesystem (runs with a read-only root),
# `node` is PID 1 and gets SIGTERM directly, so the service drains in-flight requests (kit's serve()).
# Every service listens on APP_PORT (8080 here unless set; Kubernetes sets the ports of dapr/run.yaml).

# ---- production dependencies of the one workspace, nothing of the others ------------------------
FROM node:20.20.2-bookworm-slim AS deps
ARG SERVICE
RUN test -n "$SERVICE" || { echo 'build with --build-arg SERVICE=<folder under services/>' >&2; exit 1; }
WORKDIR /src
# Manifests only, so this layer is rebuilt only when dependencies change. The lockfile covers every
# workspace; npm ci accepts a tree where some are absent and installs what the named one needs.
COPY package.json package-lock.json .npmrc ./
COPY packages/kit/package.json packages/kit/
COPY packages/contracts/package.json packages/contracts/
COPY packages/pg/package.json packages/pg/
COPY services/${SERVICE}/package.json services/${SERVICE}/
# No install scripts: no production dependency needs one (package.json allowScripts approves none).
RUN npm ci --omit=dev --workspace "services/${SERVICE}" --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

# ---- compile the service and the shop packages its tsconfig references --------------------------
FROM node:20.20.2-bookworm-slim AS build
ARG SERVICE
WORKDIR /src
COPY package.json package-lock.json .npmrc tsconfig.json ./
COPY packages/kit/package.json packages/kit/
COPY packages/contracts/package.json packages/contracts/
COPY packages/pg/package.json packages/pg/
COPY services/${SERVICE}/package.json services/${SERVICE}/
# The root workspace brings TypeScript and the @types packages the compiler needs.
RUN npm ci --workspace "services/${SERVICE}" --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY packages/kit/ packages/kit/
COPY packages/contracts/ packages/contracts/
COPY packages/pg/ packages/pg/
COPY services/${SERVICE}/ services/${SERVICE}/
# `tsc -b` builds only the project references of this service, so /out gets exactly those packages.
RUN npx tsc -b "services/${SERVICE}" \
  && mkdir -p /out/service \
  && cp -r "services/${SERVICE}/package.json" "services/${SERVICE}/dist" /out/service/ \
  && for p in kit contracts pg; do \
       if [ -d "packages/$p/dist" ]; then mkdir -p "/out/packages/$p" && cp -r "packages/$p/package.json" "packages/$p/dist" "/out/packages/$p/"; fi; \
     done \
  && find /out -name '*.tsbuildinfo' -delete

# ---- run -----------------------------------------------------------------------------------------
FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production \
    APP_HOST=0.0.0.0 \
    APP_PORT=8080
WORKDIR /app
# Owned by root and not writable by the app's user: the code cannot be changed at run time.
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /out/ ./
USER 1000:1000
EXPOSE 8080
# Docker and Compose use this; Kubernetes uses the Deployment's probes on the same /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.APP_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "service/dist/main.js"]
