# syntax=docker/dockerfile:1
# The agent image: the data-plane agent (apps/agent), one per Kubernetes cluster, which
# runs broker pools as StatefulSets (--driver kubernetes). Build from the repository root:
#   docker build -f infra/docker/agent.Dockerfile -t registry.example.com/tributary/agent:0.1.0 .
# Configuration comes from the environment (TRIBUTARY_CONTROL_PLANE_URL, ...); see
# apps/agent/src/config.ts and infra/kubernetes/agent.yaml.

FROM node:20-slim AS build
WORKDIR /src
# npm 11 is what the repository's lock file and allowScripts were made with.
RUN npm install -g npm@11.19.1 --no-audit --no-fund
COPY . .
RUN npm ci --no-audit --no-fund \
 && node tools/build/bundle-app.mjs apps/agent \
 && rm -rf node_modules \
 && npm ci --omit=dev --no-audit --no-fund --workspace @tributary/agent \
 && rm -rf node_modules/@tributary

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
# Workspace libraries are bundled into main.js; npm packages load from node_modules.
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/apps/agent/dist/ ./
# Any non-root uid works; infra/kubernetes/agent.yaml runs it as 10001.
USER 10001:10001
# The agent listens on no port: it calls the control plane and the brokers.
ENTRYPOINT ["node", "/app/main.js"]
