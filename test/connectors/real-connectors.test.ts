/**
 * Real Airbyte connectors (installed by scripts/setup-connectors.sh, pinned) through
 * `syncConnector`, end to end: first sync, an attempt that dies mid-stream and the next attempt
 * resuming it with each record once, an incremental second sync, and the stored state fed back as
 * the connector expects. Connector launches are slow (Python imports), so the cases are few and small.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqlStateBackend, startSync } from '../../src';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { SyncConnectorInput, SyncConnectorResult } from '../../src/connectors/sync-types';
import type { JsonObject } from '../../src/protocol/types';
import { withTestDatabase } from '../helpers/database';
import { bin, lowCodeManifest } from './fixtures/connector-venvs';
import { startFixtureApi } from './fixtures/http-api-server';

const FIXTURES = path.join(__dirname, 'fixtures');

const db = withTestDatabase();
let backend: SqlStateBackend;
before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 3 });
});
after(async () => {
  await backend?.close();
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

interface Attempt {
  readonly syncId: string;
  readonly attempt?: number;
  /** Stops the attempt (as a dying worker: nothing more commits) after the commit this accepts. */
  readonly dieAfter?: (messages: readonly JsonObject[]) => boolean;
}

/** One attempt of sync `syncId` of connection `id` (its run owner is the sync). */
async function sync(
  id: string,
  input: Omit<SyncConnectorInput, 'connectionId' | 'destination' | 'sourceName'> & {
    readonly destination?: SyncConnectorInput['destination'];
  },
  run: Attempt,
): Promise<SyncConnectorResult> {
  const owner = `${id}/${run.syncId}`;
  const attempt = run.attempt ?? 1;
  if (attempt === 1)
    await startSync(backend, { connectionId: id, sourceName: id, tablePrefix: `${id}_`, owner });
  const abort = new AbortController();
  return syncConnector(
    backend,
    {
      ...input,
      connectionId: id,
      sourceName: id,
      syncId: run.syncId,
      destination: { tablePrefix: `${id}_`, ...input.destination },
    },
    {
      runOwner: owner,
      attempt,
      signal: abort.signal,
      onCommit: (commits) => {
        const messages = commits.messages as unknown as JsonObject[];
        if (run.dieAfter?.(messages)) abort.abort(new Error('the worker died'));
      },
    },
  );
}

const count = async (table: string, expression = 'count(*)') =>
  Number((await sql<{ n: string }>(`select ${expression} as n from "${table}"`))[0]?.n);

const streamRun = (result: SyncConnectorResult, name: string) =>
  result.streams.find((s) => s.name === name)!;

describe('real connectors', () => {
  test('airbyte-source-declarative-manifest 6.5.2 on a local HTTP API: a resumable full refresh dies mid-stream and resumes at its page, each record once; the next sync is incremental for the cursor streams and reads the full-refresh stream whole again', async () => {
    const api = await startFixtureApi({ tags: 30 });
    try {
      const input = {
        connector: {
          executable: bin('source-declarative-manifest', 'source-declarative-manifest'),
        },
        config: {
          base_url: api.url,
          end_date: '2024-01-05T00:00:00Z',
          __injected_declarative_manifest: lowCodeManifest(),
        },
        streams: [
          { name: 'customers' },
          { name: 'orders' },
          // append: a record read twice would show as a second row.
          { name: 'tags', writeStrategy: 'append' as const },
        ],
      };
      const tagsPage = (messages: readonly JsonObject[]) =>
        messages.some((m) => JSON.stringify(m).includes('"next_page_token":3'));
      const died = await sync('lc', input, { syncId: 's1', dieAfter: tagsPage }).then(
        () => assert.fail('the attempt should have died'),
        (error: unknown) => error,
      );
      assert.match(String(died), /the worker died/);
      assert.equal(await count('lc_tags'), 10, 'pages 1 and 2 of tags were committed');
      const before = api.requests.length;

      const resumed = await sync('lc', input, { syncId: 's1', attempt: 2 });
      const tagRequests = api.requests.slice(before).filter((r) => r.startsWith('GET /tags'));
      assert.match(tagRequests[0] ?? '', /[?&]page=3\b/, 'the resumed attempt asked for page 3');
      assert.equal(streamRun(resumed, 'tags').resumed, true);
      assert.equal(streamRun(resumed, 'tags').recordsRead, 20);
      assert.equal(await count('lc_tags'), 30);
      assert.equal(await count('lc_tags', 'count(distinct id)'), 30, 'each tag once');
      assert.equal(await count('lc_customers'), 12);
      assert.equal(await count('lc_orders'), 36);
      assert.equal(resumed.recordCounts.unverified, 0, 'every STATE carried a count that held');

      api.addCustomers(2);
      const second = await sync('lc', input, { syncId: 's2' });
      assert.ok(
        streamRun(second, 'customers').recordsRead < 14,
        `customers read incrementally (${streamRun(second, 'customers').recordsRead} of 14)`,
      );
      assert.equal(await count('lc_customers'), 14);
      assert.equal(await count('lc_orders'), 42);
      // Not fed its finished state ({"__ab_full_refresh_sync_complete": true}: it would read 0).
      assert.equal(streamRun(second, 'tags').resumed, false);
      assert.equal(streamRun(second, 'tags').recordsRead, 30);
      assert.equal(await count('lc_tags', 'count(distinct _airbyte_sync_id)'), 2);
      assert.equal(await count('lc_tags'), 60, 'append: one more copy per sync');
    } finally {
      await api.close();
    }
  });

  test('airbyte-source-file 0.5.39 on a local CSV: no STATE at all; each sync replaces the table with its generation', async () => {
    const input = {
      connector: { executable: bin('source-file', 'source-file') },
      config: {
        dataset_name: 'customers',
        format: 'csv',
        url: path.join(FIXTURES, 'files', 'customers.csv'),
        provider: { storage: 'local' },
      },
    };
    const first = await sync('file', input, { syncId: 's1' });
    assert.deepEqual(
      [first.streams[0]?.writeMethod, first.streams[0]?.recordsRead, first.startedFromState],
      ['replace', 25, []],
    );
    const second = await sync('file', input, { syncId: 's2' });
    assert.equal(second.streams[0]?.generationId, (first.streams[0]?.generationId ?? 0) + 1);
    assert.equal(await count('file_customers'), 25, 'replaced, not appended');
    assert.equal(
      await count('file_customers', 'min(_airbyte_generation_id)'),
      second.streams[0]?.generationId,
    );
  });

  test('airbyte-source-hardcoded-records 0.0.48: 5,000 products, the count of its one STATE verified', async () => {
    const result = await sync(
      'hc',
      {
        connector: { executable: bin('source-hardcoded-records', 'source-hardcoded-records') },
        config: { count: 5000 },
        streams: [{ name: 'products', writeStrategy: 'append' }],
      },
      { syncId: 's1' },
    );
    assert.equal(await count('hc_products'), 5000);
    assert.deepEqual(result.recordCounts, { verified: 1, unverified: 0 });
    const [state] = await sql<{ state_json: string }>(
      `select state_json from _airbyte_state where source_name = 'hc'`,
    );
    assert.match(state?.state_json ?? '', /"destinationStats":\{"recordCount":5000\.0\}/);
  });
});
