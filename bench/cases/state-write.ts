import type { AirbyteStateMessage } from '../../src/protocol/types';
import { alternate, figure } from '../measure';
import type { BenchCase, BenchContext, CaseRow } from '../types';

/** Distinct streams the writes cycle through (as PyAirbyte's `bench-write` does). */
export const WRITE_STREAMS = 10;

/** The `i`-th message of a write benchmark: stream `bench_{i mod 10}`, cursor `i`. */
export function benchStateMessage(i: number): AirbyteStateMessage {
  return {
    type: 'STREAM',
    stream: {
      stream_descriptor: { name: `bench_${i % WRITE_STREAMS}` },
      stream_state: { cursor: i },
    },
  };
}

/** The upsert `writer.writeState` runs, written by hand for `pg` (`$n` parameters). */
const rawUpsert = (
  table: string,
) => `insert into ${table} (source_name, stream_namespace, table_name, stream_name, state_json, last_updated)
     values ($1, $2, $3, $4, $5, clock_timestamp())
     on conflict (source_name, stream_namespace, table_name) do update
       set stream_name = excluded.stream_name, state_json = excluded.state_json, last_updated = excluded.last_updated`;

/**
 * One state write, one after the other: `writer.writeState(message)` against the same upsert
 * sent with `pg` (message serialised with `JSON.stringify`, no validation).
 */
export const stateWriteCase: BenchCase = {
  id: 'state-write',
  needsTemporal: false,
  rowIds: ['state-write'],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const n = ctx.sizes.stateWrites;
    const writer = ctx.backend.getStateWriter('bench-writer');
    const upsert = rawUpsert(ctx.backend.tables.cache);
    const samples = await alternate(ctx.sizes.runs, {
      writer: async () =>
        writesPerSecond(n, async (i) => {
          await writer.writeState(benchStateMessage(i));
        }),
      raw: async () =>
        writesPerSecond(n, async (i) => {
          const message = benchStateMessage(i);
          const stream = message.stream?.stream_descriptor.name ?? '';
          await ctx.pool.query(upsert, ['bench-raw', '', stream, stream, JSON.stringify(message)]);
        }),
    });
    const ours = figure(samples.writer, 'writes/s');
    const raw = figure(samples.raw, 'writes/s');
    const ratio = ours.median / raw.median;
    return [
      {
        id: 'state-write',
        title: 'one state write through the writer',
        comparedWith: 'the same upsert with raw `pg`',
        target: '≥ 0.8× raw throughput',
        ours,
        baseline: raw,
        ratio,
        ratioText: `${ratio.toFixed(2)}× raw throughput`,
        meets: ratio >= 0.8,
        details: [
          `${n} sequential writes per run, 10 streams, cursor i. Ours: \`writer.writeState(message)\`, the library's whole write path as it stands (validation, the upsert, and whatever the backend writes with it, such as the state history). Raw: the same upsert by \`pool.query\` on a \`pg.Pool\` of 10, to the same table.`,
        ],
      },
    ];
  },
};

/** Runs `write(i)` for i = 1..n in sequence and returns writes per second. */
export async function writesPerSecond(
  n: number,
  write: (i: number) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  for (let i = 1; i <= n; i++) await write(i);
  return n / ((performance.now() - started) / 1000);
}
