import { startSync } from '../../src/activity-bodies/start-sync';
import { commitBatch } from '../../src/activity-bodies/commit-batch';
import { readBatch, type ReadBatchResult } from '../../examples/sample-source';
import { alternate, figure } from '../measure';
import type { BenchCase, BenchContext, CaseRow } from '../types';

const CONNECTION = 'bench-commit';
const SOURCE = 'bench-commit-source';
/** The raw side's table: the same layout as the stream tables `commitBatch` creates. */
const RAW_TABLE = '"public"."bench_raw_users"';

/**
 * `commitBatch` of a batch of `users` records plus its state, against what one would write by
 * hand with `pg`: one transaction holding a multi-row `INSERT … ON CONFLICT DO UPDATE` of the
 * records and the state upsert. Both write the same new records into tables of the same layout.
 */
export const commitBatchCase: BenchCase = {
  id: 'commit-batch',
  needsTemporal: false,
  rowIds: ['commit-batch'],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const { batchSize, commitBatches, runs } = ctx.sizes;
    // Every run (and the warm-up) writes new records: batches made up front, outside the clock.
    const batches = makeBatches(batchSize, (runs + 1) * commitBatches);
    const batchesOfRun = (run: number) =>
      batches.slice(run * commitBatches, (run + 1) * commitBatches);
    await ctx.pool.query(`create table if not exists ${RAW_TABLE} (
       id text not null,
       _airbyte_raw_id uuid not null default gen_random_uuid(),
       _airbyte_extracted_at timestamptz not null default clock_timestamp(),
       _airbyte_checkpoint bigint not null,
       _airbyte_data jsonb not null,
       primary key (id))`);
    const { epoch } = await startSync(ctx.backend, {
      connectionId: CONNECTION,
      sourceName: SOURCE,
      owner: 'bench',
    });
    let checkpoint = 0;
    const samples = await alternate(runs, {
      commitBatch: (run) =>
        recordsPerSecond(batchesOfRun(run), async (batch) => {
          await commitBatch(ctx.backend, {
            connectionId: CONNECTION,
            sourceName: SOURCE,
            tablePrefix: 'bench_ours_',
            records: batch.records,
            primaryKey: ['id'],
            state: batch.state,
            checkpoint: ++checkpoint,
            epoch,
          });
        }),
      raw: (run) => {
        let rawCheckpoint = run * commitBatches;
        return recordsPerSecond(batchesOfRun(run), async (batch) => {
          await rawCommit(ctx, batch, ++rawCheckpoint);
        });
      },
    });
    const ours = figure(samples.commitBatch, 'records/s');
    const raw = figure(samples.raw, 'records/s');
    const ratio = ours.median / raw.median;
    return [
      {
        id: 'commit-batch',
        title: `\`commitBatch\` of ${batchSize.toLocaleString('en')} records plus state`,
        comparedWith: 'raw `pg` multi-row upsert plus state in one transaction',
        target: '≥ 0.8× raw throughput',
        ours,
        baseline: raw,
        ratio,
        ratioText: `${ratio.toFixed(2)}× raw throughput`,
        meets: ratio >= 0.8,
        details: [
          `${commitBatches} batches of ${batchSize} new \`users\` records (~300 bytes of JSON each) per run. Ours: \`commitBatch\` (validation, epoch and checkpoint locks, records as one jsonb parameter, state upsert, checkpoint update). Raw: BEGIN; INSERT … VALUES ($1,$2,$3), … ON CONFLICT (id) DO UPDATE; the state upsert; COMMIT on one pooled \`pg\` client.`,
        ],
      },
    ];
  },
};

function makeBatches(size: number, count: number): ReadBatchResult[] {
  const batches: ReadBatchResult[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < count; i++) {
    const batch = readBatch({ stream: 'users', cursor, limit: size, seed: 1, count: size * count });
    batches.push(batch);
    cursor = batch.cursor;
  }
  return batches;
}

async function rawCommit(ctx: BenchContext, batch: ReadBatchResult, checkpoint: number) {
  const client = await ctx.pool.connect();
  try {
    await client.query('begin');
    const params: unknown[] = [];
    const values = batch.records.map((record) => {
      params.push(String(record.id), checkpoint, JSON.stringify(record));
      const i = params.length;
      return `($${i - 2}, $${i - 1}, $${i})`;
    });
    await client.query(
      `insert into ${RAW_TABLE} (id, _airbyte_checkpoint, _airbyte_data) values ${values.join(', ')}
       on conflict (id) do update
         set _airbyte_data = excluded._airbyte_data, _airbyte_checkpoint = excluded._airbyte_checkpoint,
             _airbyte_extracted_at = clock_timestamp(), _airbyte_raw_id = gen_random_uuid()`,
      params,
    );
    await client.query(
      `insert into ${ctx.backend.tables.cache} (source_name, stream_namespace, table_name, stream_name, state_json, last_updated)
       values ($1, '', $2, $3, $4, clock_timestamp())
       on conflict (source_name, stream_namespace, table_name) do update
         set stream_name = excluded.stream_name, state_json = excluded.state_json, last_updated = excluded.last_updated`,
      ['bench-raw-commit', 'bench_raw_users', 'users', JSON.stringify(batch.state)],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

async function recordsPerSecond(
  batches: readonly ReadBatchResult[],
  commit: (batch: ReadBatchResult) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  let records = 0;
  for (const batch of batches) {
    await commit(batch);
    records += batch.records.length;
  }
  return records / ((performance.now() - started) / 1000);
}
