# Herald: one image, two roles (`web`, `worker`). Build: docker build -t herald .
# Run: docker run herald web | docker run herald worker (see docker-compose.yml, profile app).
# The build steps are docker/build.sh, which scripts/image-check.sh runs in a clean copy of the
# repository in CI; this file was not built on the machines Herald is developed on (no Docker
# daemon there).

FROM node:20-slim AS build
WORKDIR /app
# The npm the lock file is kept with (npm 11); scripts/image-check.sh checks CI runs the same.
RUN npm install -g npm@11.19.1 --no-audit --no-fund
# Dependencies first, so a change to the sources alone reuses this layer.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma/schema.prisma prisma/schema.prisma
COPY docker/build.sh docker/build.sh
RUN sh docker/build.sh dependencies
COPY . .
RUN sh docker/build.sh app

FROM node:20-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
