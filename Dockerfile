# The API and the worker share this image; docker-compose.yml picks the command.
# Debian-based Node image: better-sqlite3 compiles here, and the Temporal core bridge's glibc binary runs.
FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY scripts scripts
# Compiles TypeScript and prebuilds the workflow bundle (dist/workflow-bundle.js) the worker loads.
RUN npm run build && npm prune --omit=dev

FROM node:20.19.5-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "dist/src/api/server.js"]
