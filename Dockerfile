# The job's image: one CLI (publish, audit, and the shard steps), run the same way by cron, a
# Kubernetes Job or an AWS Batch job. The job runs its TypeScript directly through tsx (a runtime
# dependency, see bin/telemetry-publisher.js): there is no compile output, so the build stage only
# type-checks, and the runtime stage holds the sources with production dependencies.
ARG NODE_IMAGE=node:20-bookworm-slim

# Build: every dependency, so the image is only made from sources that type-check.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc --noEmit

# Production dependencies alone (DuckDB's native binding for this platform comes with them).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the job: the code cannot be changed by the process that runs it.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/package-lock.json /app/DATA_LICENSE.md ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/queries ./queries
# `sample` and `start` write synthetic archives with tools/sample.
COPY --from=build /app/tools ./tools
# Numeric, so Kubernetes' runAsNonRoot can verify it (uid 1000 is the image's `node` user). The only
# writable place the job needs is the temp folder (its work folder, DuckDB's spill, tsx's cache):
# mount an emptyDir or a volume there when the root filesystem is read-only.
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/telemetry-publisher.js"]
CMD ["--help"]
