# The worker image of docker-compose.yml: the plugin, the example workflows, the sample source.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
ENV SYNC_TASK_QUEUE=temporal-sync-state \
    WORKER_READY_FILE=/tmp/worker-ready
CMD ["node", "dist/bin/worker.js"]
