# The worker image of docker-compose.yml: the plugin, the example workflows, the sample source
# (examples/, compiled with the library by tsconfig.examples.json into build/).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The example workflows bundled once at build time: the worker loads them instead of running
# webpack at every start.
RUN npm run build:examples && node build/examples/bundle-workflows.js build/workflow-bundle.js
# MALLOC_MMAP_THRESHOLD_ and --max-semi-space-size: the worker process settings of
# examples/support/worker-process.ts (about 100 MB less peak memory over a long sync; see BENCHMARKS.md).
ENV SYNC_TASK_QUEUE=temporal-sync-state \
    SYNC_WORKFLOW_BUNDLE=/app/build/workflow-bundle.js \
    WORKER_READY_FILE=/tmp/worker-ready \
    MALLOC_MMAP_THRESHOLD_=131072 \
    NODE_OPTIONS=--max-semi-space-size=2
CMD ["node", "build/examples/worker.js"]
