/**
 * The checker: after a scenario, compares the destination with the source record by record,
 * and the final state with the source's final cursor. Reads plain SQL on its own connection,
 * not through the library under test.
 */
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { sampleRecord, type SampleStreamName } from '../examples/sample-source';
import { SAMPLE_STREAM_NAMES } from '../examples/sample-source/streams';

/** One synced connection to check. */
export interface CheckTarget {
  readonly url: string;
  readonly connectionId: string;
  readonly sourceName: string;
  readonly tablePrefix: string;
  readonly seed: number;
  /** Records per stream at the source (ids 1..count). */
  readonly count: number;
}

/** The outcome for one stream. */
export interface StreamCheck {
  readonly stream: string;
  /** Rows read from the destination table. */
  readonly rows: number;
  /** Ids of the source missing from the destination. */
  readonly lost: number;
  /**
   * Deliveries beyond one per record: rows of an id beyond its first, plus records committed
   * (summed over every commit, from the checkpoint row) beyond the source's count.
   */
  readonly duplicated: number;
  /** Rows whose `_airbyte_data` differs from the source record, or whose id the source lacks. */
  readonly mismatched: number;
  /** Each batch's rows are contiguous, written by one transaction, and the batches number 1..checkpoint. */
  readonly batchesConsistent: boolean;
  readonly finalCursor: string | null;
  readonly expectedCursor: string;
}

/** The outcome for a connection. */
export interface CheckResult {
  readonly recordsChecked: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly mismatched: number;
  readonly streams: readonly StreamCheck[];
  /** Every problem found, in words; empty when the destination equals the source. */
  readonly problems: readonly string[];
}

/**
 * Checks several connections of one database; a connection that cannot be read at all counts
 * as entirely lost, with the error as its problem.
 */
export async function checkConnections(
  url: string,
  sourceName: string,
  seed: number,
  connections: readonly { connectionId: string; tablePrefix: string; count: number }[],
): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const c of connections)
    checks.push(
      await checkDestination({ url, sourceName, seed, ...c }).catch(
        (error: unknown): CheckResult => ({
          recordsChecked: 0,
          lost: c.count * SAMPLE_STREAM_NAMES.length,
          duplicated: 0,
          mismatched: 0,
          streams: [],
          problems: [`could not check ${c.connectionId}: ${String(error)}`],
        }),
      ),
    );
  return checks;
}

/** Checks the destination and the state of a connection against the source. */
export async function checkDestination(target: CheckTarget): Promise<CheckResult> {
  const client = new Client({ connectionString: target.url });
  await client.connect();
  try {
    const streams: StreamCheck[] = [];
    const problems: string[] = [];
    for (const stream of SAMPLE_STREAM_NAMES) {
      const check = await checkStream(client, target, stream, problems);
      streams.push(check);
    }
    const sum = (f: (s: StreamCheck) => number) => streams.reduce((n, s) => n + f(s), 0);
    return {
      recordsChecked: sum((s) => s.rows),
      lost: sum((s) => s.lost),
      duplicated: sum((s) => s.duplicated),
      mismatched: sum((s) => s.mismatched),
      streams,
      problems,
    };
  } finally {
    await client.end();
  }
}

async function checkStream(
  client: Client,
  target: CheckTarget,
  stream: SampleStreamName,
  problems: string[],
): Promise<StreamCheck> {
  const table = `${target.tablePrefix}${stream}`;
  const say = (problem: string) => problems.push(`${table}: ${problem}`);
  const { rows } = await client.query<{ id: string; cp: string; xmin: string; data: unknown }>(
    `select id, _airbyte_checkpoint::text as cp, xmin::text as xmin, _airbyte_data as data
       from ${client.escapeIdentifier(table)} order by id::bigint, _airbyte_raw_id`,
  );
  const seen = new Map<number, number>();
  let mismatched = 0;
  let outOfOrder = 0;
  const writers = new Map<string, Set<string>>();
  let lastCheckpoint = 0;
  for (const row of rows) {
    const id = Number(row.id);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    const checkpoint = Number(row.cp);
    if (checkpoint < lastCheckpoint) outOfOrder++;
    lastCheckpoint = Math.max(lastCheckpoint, checkpoint);
    if (!writers.has(row.cp)) writers.set(row.cp, new Set());
    writers.get(row.cp)?.add(row.xmin);
    const expected: unknown =
      Number.isSafeInteger(id) && id >= 1 && id <= target.count
        ? JSON.parse(JSON.stringify(sampleRecord(target.seed, stream, id)))
        : undefined;
    if (!isDeepStrictEqual(row.data, expected)) {
      if (mismatched < 5) say(`record ${row.id} differs from the source's`);
      mismatched++;
    }
  }
  const missing: number[] = [];
  for (let id = 1; id <= target.count; id++) if (!seen.has(id)) missing.push(id);
  const extraRows = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  if (missing.length)
    say(`${missing.length} records lost, first ids ${missing.slice(0, 10).join(', ')}`);
  if (extraRows) say(`${extraRows} rows repeat an id`);

  const committed = await client.query<{ checkpoint: string; records: string }>(
    `select checkpoint::text, records_committed::text as records from _sync_state_checkpoints
      where connection_id = $1 and stream_namespace = '' and stream_name = $2`,
    [target.connectionId, stream],
  );
  const finalCheckpoint = Number(committed.rows[0]?.checkpoint ?? 0);
  const recordsCommitted = Number(committed.rows[0]?.records ?? 0);
  const overDelivered = Math.max(0, recordsCommitted - target.count);
  if (overDelivered)
    say(`${recordsCommitted} records committed for ${target.count} source records`);
  const rewritten = [...writers.values()].filter((xmins) => xmins.size > 1).length;
  const batchesConsistent = outOfOrder === 0 && rewritten === 0 && writers.size === finalCheckpoint;
  if (!batchesConsistent)
    say(
      `batches inconsistent: ${outOfOrder} rows out of checkpoint order, ${rewritten} batches written by ` +
        `more than one transaction, ${writers.size} batches for checkpoint ${finalCheckpoint}`,
    );

  const state = await client.query<{ cursor: string | null }>(
    `select state_json::jsonb -> 'stream' -> 'stream_state' ->> 'updated_at' as cursor
       from _airbyte_state where source_name = $1 and table_name = $2`,
    [target.sourceName, table],
  );
  const finalCursor = state.rows[0]?.cursor ?? null;
  const expectedCursor = sampleRecord(target.seed, stream, target.count).updated_at;
  if (finalCursor !== expectedCursor)
    say(`final state cursor ${finalCursor}, expected the source's last ${expectedCursor}`);
  return {
    stream,
    rows: rows.length,
    lost: missing.length,
    duplicated: extraRows + overDelivered,
    mismatched,
    batchesConsistent,
    finalCursor,
    expectedCursor,
  };
}
