/**
 * The benchmark worker in a process of its own, so that its memory is measured alone. Started
 * by bench/cases/worker-memory.ts with `fork`, its {@link MemoryWorkerConfig} as JSON in argv[2].
 * Messages to the parent: `ready`, an `rss` sample every {@link SAMPLE_INTERVAL_MS}, and `done`
 * with the peak RSS (`getrusage`'s high-water mark, so no peak between samples is missed).
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createBenchWorker } from './bench-worker';

/** What the parent tells the worker process. */
export interface MemoryWorkerConfig {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly bundlePath: string;
  readonly databaseUrl: string;
}

/** A message from the worker process. */
export type MemoryWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'rss'; readonly memory: NodeJS.MemoryUsage }
  | { readonly type: 'done'; readonly maxRss: number };

/** How often the worker reports its RSS. */
export const SAMPLE_INTERVAL_MS = 200;

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as MemoryWorkerConfig;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: config.address });
  try {
    const worker = await createBenchWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      workflowBundle: { codePath: config.bundlePath },
      databaseUrl: config.databaseUrl,
    });
    const stop = () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    };
    process.on('message', (message) => message === 'stop' && stop());
    process.on('disconnect', stop); // the parent went away: do not linger
    const sampler = setInterval(
      () => send({ type: 'rss', memory: process.memoryUsage() }),
      SAMPLE_INTERVAL_MS,
    );
    const running = worker.run();
    send({ type: 'ready' });
    try {
      await running;
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await connection.close();
  }
  // maxRSS is in kilobytes.
  send({ type: 'done', maxRss: process.resourceUsage().maxRSS * 1024 });
}

function send(message: MemoryWorkerMessage): void {
  if (process.connected) process.send?.(message);
}

main().then(
  () => process.connected && process.disconnect(),
  (error: unknown) => {
    console.error('memory-worker:', error);
    process.exitCode = 1;
    if (process.connected) process.disconnect();
  },
);
