# syntax=docker/dockerfile:1
# The broker image: one Kafka broker process (apps/broker) per container, run by the
# kubernetes driver's StatefulSets (apps/agent/src/drivers/kubernetes). Build from the
# repository root:
#   docker build -f infra/docker/broker.Dockerfile -t registry.example.com/tributary/broker:0.1.0 .
# Arguments come from the pod spec (--data-dir, --listen, --advertised, --admin-listen,
# --admin-token-file, --set ...); see apps/broker/src/config/parse-args.ts.

FROM node:20-slim AS build
WORKDIR /src
# npm 11 is what the repository's lock file and allowScripts were made with.
RUN npm install -g npm@11.19.1 --no-audit --no-fund
COPY . .
RUN npm ci --no-audit --no-fund \
 && node tools/build/bundle-app.mjs apps/broker \
 && rm -rf node_modules \
 && npm ci --omit=dev --no-audit --no-fund --workspace @tributary/broker \
 && rm -rf node_modules/@tributary

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
# Workspace libraries are bundled into main.js; npm packages load from node_modules.
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/apps/broker/dist/ ./
# Any non-root uid works; the StatefulSet runs as 10001 with fsGroup 10001 on the data volume.
USER 10001:10001
EXPOSE 9093 9644
ENTRYPOINT ["node", "/app/main.js"]
