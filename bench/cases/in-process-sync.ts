import { startSync } from '../../src/activity-bodies/start-sync';
import { streamRecordTable } from '../../src/activity-bodies/stream-table';
import { prepareStateMessage } from '../../src/protocol/validate';
import type { JsonObject } from '../../src/protocol/types';
import { createSampleSourceReader } from '../../examples/sample-source/reader';
import { timeMs } from '../measure';
import type { BenchContext } from '../types';
import { BENCH_READER } from '../worker/bench-worker';

/** Options of {@link inProcessSync}. */
export interface InProcessSyncRun {
  /** Records of each stream. */
  readonly count: number;
  readonly streams: readonly string[];
  /** Part of the connection id and table prefix. */
  readonly label: string;
}

/**
 * The baseline of the read-and-commit path without Temporal: a plain loop in this process that
 * claims the connection (`startSync`), then reads each batch with the same sample-source reader
 * the worker registers and commits it through the same commit step (`backend.commits.commit`:
 * fence, checkpoint, records, state in one transaction), the streams at once as
 * `batchSyncWorkflow` reads them (one lane per stream). Returns its time and checks the rows.
 */
export async function inProcessSync(
  ctx: BenchContext,
  options: InProcessSyncRun,
): Promise<{ ms: number }> {
  const reader = createSampleSourceReader();
  const connectionId = `bench-loop-${options.label}`;
  const sourceName = BENCH_READER;
  const tablePrefix = `loop_${options.label}_`;
  const signal = new AbortController().signal;
  const syncStream = async (name: string, epoch: number) => {
    const table = streamRecordTable(
      ctx.backend,
      { sourceName, tablePrefix },
      { name, namespace: '' },
      ['id'],
      undefined,
    );
    let state: JsonObject | null = null;
    for (let checkpoint = 1; ; checkpoint++) {
      const read = await reader({
        stream: { name, namespace: null },
        state,
        limit: ctx.sizes.batchSize,
        checkpoint,
        config: { count: options.count },
        attempt: 1,
        signal,
        heartbeat: () => undefined,
      });
      if (read.records.length === 0 && JSON.stringify(read.state) === JSON.stringify(state ?? {}))
        return;
      const message = prepareStateMessage(
        { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: read.state } },
        { maxBytes: ctx.backend.maxStateBytes },
      );
      await ctx.backend.commits.commit({
        fence: { connectionId, epoch },
        streams: [
          {
            key: { namespace: '', streamName: name },
            checkpoint,
            records: { table, rows: read.records },
          },
        ],
        state: { owner: { sourceName, tablePrefix }, messages: [message] },
      });
      state = read.state;
      if (read.done) return;
    }
  };
  const ms = await timeMs(async () => {
    const { epoch } = await startSync(ctx.backend, {
      connectionId,
      sourceName,
      tablePrefix,
      owner: 'bench',
      loadState: false,
    });
    await Promise.all(options.streams.map((name) => syncStream(name, epoch)));
  });
  for (const name of options.streams) {
    const rows = await ctx.pool.query<{ n: string }>(
      `select count(*) as n from "${tablePrefix}${name}"`,
    );
    if (Number(rows.rows[0]?.n) !== options.count)
      throw new Error(
        `the in-process sync left ${rows.rows[0]?.n} rows in ${tablePrefix}${name}, expected ${options.count}`,
      );
  }
  return { ms };
}
