// Research prototype for issue 16 (docs/research/connectors.md), not part of `npm test`: today's
// `syncConnector` against the real connectors that scripts/setup-connectors.sh installs. Two
// syncs each (the second fed the stored state), then the rows and the stored state are printed.
//   bash scripts/setup-connectors.sh
//   npm test -- test/connectors/real-connectors.smoke.ts
// (the file name does not end in .test.ts, so the suite's glob leaves it out.)
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqlStateBackend, startSync } from '../../src';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { SyncConnectorInput } from '../../src/connectors/sync-types';
import type { JsonObject } from '../../src/protocol/types';
import { withTestDatabase } from '../helpers/database';
import { startFixtureApi, type FixtureApi } from './fixtures/http-api-server';

const ROOT = path.join(__dirname, '..', '..');
/** Where setup-connectors.sh put the venvs (its CONNECTORS_VENV), default .venv-connectors. */
const VENVS = path.resolve(ROOT, process.env.CONNECTORS_VENV ?? '.venv-connectors');
const FIXTURES = path.join(__dirname, 'fixtures');
const bin = (venv: string, executable: string): string => {
  const file = path.join(VENVS, venv, 'bin', executable);
  assert.ok(existsSync(file), `${file} is missing: run bash scripts/setup-connectors.sh`);
  return file;
};

const db = withTestDatabase();
let backend: SqlStateBackend;
before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 4 });
});
after(async () => {
  await backend?.close();
});

const sql = <T = Record<string, unknown>>(query: string) => backend.fork().execute<T[]>(query);

async function syncTwice(
  id: string,
  input: Omit<SyncConnectorInput, 'connectionId' | 'destination'>,
  between?: () => Promise<void>,
): Promise<void> {
  for (const round of [1, 2]) {
    if (round === 2 && between) await between();
    const owner = `${id}-run-${round}`;
    await startSync(backend, {
      connectionId: id,
      sourceName: input.sourceName ?? id,
      tablePrefix: `${id}_`,
      owner,
    });
    const started = Date.now();
    const result = await syncConnector(
      backend,
      { ...input, connectionId: id, destination: { tablePrefix: `${id}_` }, sourceName: id },
      { runOwner: owner, attempt: 1 },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${id} sync ${round}: ${JSON.stringify({ ...result, seconds })}`.slice(0, 600));
  }
  const tables = await sql<{ table_name: string }>(
    `select table_name from information_schema.tables where table_name like '${id}\\_%' order by 1`,
  );
  for (const { table_name } of tables) {
    const [row] = await sql<{ n: string }>(`select count(*) as n from "${table_name}"`);
    console.log(`${id} ${table_name}: ${row?.n} rows`);
  }
  const states = await sql<{ stream_name: string; state_json: string }>(
    `select stream_name, state_json from _airbyte_state where source_name = '${id}' order by 1`,
  );
  for (const s of states)
    console.log(`${id} state ${s.stream_name}: ${s.state_json.slice(0, 400)}`);
}

/** The fixture manifest as JSON (6.5.2 takes it only inside the config); PyYAML is in its venv. */
function lowCodeManifest(): JsonObject {
  const python = bin('source-declarative-manifest', 'python');
  const script = 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))';
  const file = path.join(FIXTURES, 'fixture-api.manifest.yaml');
  return JSON.parse(execFileSync(python, ['-c', script, file]).toString()) as JsonObject;
}

describe('real connectors through syncConnector (research)', () => {
  test('source-file: a local CSV, twice', async () => {
    const config: JsonObject = {
      dataset_name: 'customers',
      format: 'csv',
      url: path.join(FIXTURES, 'files', 'customers.csv'),
      provider: { storage: 'local' },
    };
    await syncTwice('file', {
      connector: { executable: bin('source-file', 'source-file') },
      config,
    });
  });

  test('source-declarative-manifest 6.5.2: the fixture API, new customers between the syncs', async () => {
    const api: FixtureApi = await startFixtureApi();
    try {
      const config: JsonObject = {
        base_url: api.url,
        end_date: '2024-01-05T00:00:00Z',
        __injected_declarative_manifest: lowCodeManifest(),
      };
      const connector = {
        executable: bin('source-declarative-manifest', 'source-declarative-manifest'),
      };
      await syncTwice('lowcode', { connector, config }, () => {
        api.addCustomers(2);
        return Promise.resolve();
      });
    } finally {
      await api.close();
    }
  });

  test('source-declarative-manifest 6.5.2: tags (resumable full refresh) with replace, twice', async () => {
    // The second sync is fed the finished RFR state ({"__ab_full_refresh_sync_complete": true}).
    const api: FixtureApi = await startFixtureApi();
    try {
      const config: JsonObject = {
        base_url: api.url,
        __injected_declarative_manifest: lowCodeManifest(),
      };
      const connector = {
        executable: bin('source-declarative-manifest', 'source-declarative-manifest'),
      };
      await syncTwice('rfr', {
        connector,
        config,
        streams: [{ name: 'tags', writeStrategy: 'replace' }],
      });
    } finally {
      await api.close();
    }
  });

  test('source-s3 4.14.2: moto_server on 127.0.0.1, one new object between the syncs', async () => {
    const port = 5057;
    const moto: ChildProcess = spawn(
      bin('moto', 'moto_server'),
      ['-H', '127.0.0.1', '-p', `${port}`],
      {
        stdio: 'ignore',
      },
    );
    const endpoint = `http://127.0.0.1:${port}`;
    const put = (key: string, file: string) =>
      execFileSync(
        bin('moto', 'python'),
        [
          '-c',
          [
            'import sys, boto3',
            's3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",',
            '  aws_access_key_id="testing", aws_secret_access_key="testing")',
            'try: s3.create_bucket(Bucket="fixtures")',
            'except s3.exceptions.BucketAlreadyOwnedByYou: pass',
            's3.put_object(Bucket="fixtures", Key=sys.argv[2], Body=open(sys.argv[3], "rb").read())',
          ].join('\n'),
          endpoint,
          key,
          file,
        ],
        { stdio: 'inherit' },
      );
    try {
      for (let i = 0; ; i++) {
        try {
          put('customers/part-1.csv', path.join(FIXTURES, 'files', 'customers.csv'));
          break;
        } catch (error) {
          if (i > 30) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
      const config: JsonObject = {
        bucket: 'fixtures',
        aws_access_key_id: 'testing',
        aws_secret_access_key: 'testing',
        endpoint,
        region_name: 'us-east-1',
        streams: [{ name: 'customers', globs: ['customers/*.csv'], format: { filetype: 'csv' } }],
      };
      await syncTwice(
        's3',
        { connector: { executable: bin('source-s3', 'source-s3') }, config },
        () => {
          put('customers/part-2.csv', path.join(FIXTURES, 'files', 'customers.csv'));
          return Promise.resolve();
        },
      );
    } finally {
      moto.kill();
    }
  });

  test('source-hardcoded-records: 20,000 products, twice', async () => {
    await syncTwice('hardcoded', {
      connector: { executable: bin('source-hardcoded-records', 'source-hardcoded-records') },
      config: { count: 20000 },
      streams: [{ name: 'products', writeStrategy: 'append' }],
    });
  });
});
