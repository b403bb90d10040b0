import { alternate, figure, timeMs } from '../measure';
import type { BenchCase, BenchContext, CaseRow } from '../types';

const SOURCE = 'bench-wide-source';
/** Streams written per statement while filling the table (outside the clock). */
const FILL_CHUNK = 1000;

/**
 * `backend.getStateProvider(source)` for a source with many streams, against the raw `SELECT`
 * that reads the same rows (same filter and order) with `pg`, rows returned as `pg` gives them.
 */
export const stateProviderCase: BenchCase = {
  id: 'state-provider',
  needsTemporal: false,
  rowIds: ['state-provider'],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const streams = ctx.sizes.providerStreams;
    const writer = ctx.backend.getStateWriter(SOURCE);
    for (let start = 0; start < streams; start += FILL_CHUNK) {
      const count = Math.min(FILL_CHUNK, streams - start);
      await writer.writeStates(
        Array.from({ length: count }, (_, k) => ({
          type: 'STREAM',
          stream: {
            stream_descriptor: { name: `stream_${String(start + k).padStart(5, '0')}` },
            stream_state: { updated_at: '2026-11-27T00:00:00Z', cursor: start + k },
          },
        })),
      );
    }
    const select = `select stream_name, stream_namespace, state_json from ${ctx.backend.tables.cache}
      where source_name = $1 and table_name = $2 || stream_name order by stream_name, stream_namespace`;
    let parsedRaw = 0;
    const samples = await alternate(ctx.sizes.runs, {
      provider: () =>
        timeMs(async () => {
          const provider = await ctx.backend.getStateProvider(SOURCE);
          if (provider.stateMessageArtifacts.length !== streams)
            throw new Error(`the provider read ${provider.stateMessageArtifacts.length} streams`);
        }),
      raw: () =>
        timeMs(async () => {
          const result = await ctx.pool.query<{ state_json: string }>(select, [SOURCE, '']);
          if (result.rows.length !== streams)
            throw new Error(`the raw select read ${result.rows.length} rows`);
        }),
      rawParsed: () =>
        timeMs(async () => {
          const result = await ctx.pool.query<{ state_json: string }>(select, [SOURCE, '']);
          parsedRaw = result.rows.map((row) => JSON.parse(row.state_json) as unknown).length;
        }),
    });
    if (parsedRaw !== streams) throw new Error(`the raw select parsed ${parsedRaw} rows`);
    const ours = figure(samples.provider, 'ms');
    const raw = figure(samples.raw, 'ms');
    const parsed = figure(samples.rawParsed, 'ms');
    const ratio = ours.median / raw.median;
    return [
      {
        id: 'state-provider',
        title: `\`getStateProvider\` for a source with ${streams.toLocaleString('en')} streams`,
        comparedWith: 'raw `SELECT` of the same rows',
        target: '≤ 1.5× raw time',
        ours,
        baseline: raw,
        ratio,
        ratioText: `${ratio.toFixed(2)}× raw time`,
        meets: ratio <= 1.5,
        details: [
          `Ours: \`getStateProvider\` (refresh), which validates every stored message. Raw: \`pool.query\` of the same SELECT (same WHERE and ORDER BY), rows as \`pg\` returns them. For scale: the raw SELECT plus \`JSON.parse\` of each row took ${parsed.median.toFixed(1)} ms (median).`,
        ],
      },
    ];
  },
};
