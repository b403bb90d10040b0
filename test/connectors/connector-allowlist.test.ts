import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import {
  type ConnectorActivityOptions,
  createConnectorActivities,
} from '../../activities/connector-activities';
import { InvalidInputError, SqlStateBackend, startSync } from '../../src';
import { ConnectorAllowlist } from '../../src/connectors/connector-allowlist';
import { ConnectorError } from '../../src/connectors/connector-error';
import type { ConnectorSpec } from '../../src/connectors/connector-spec';
import { withTestDatabase } from '../helpers/database';
import { fake, testConnectors } from './fixtures/connectors';

const db = withTestDatabase();
let backend: SqlStateBackend;
let dir: string;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
  dir = await mkdtemp(path.join(tmpdir(), 'connector-allowlist-'));
});
after(async () => {
  await backend?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/** The connector activities of a worker, each run as Temporal would run it inside a workflow run. */
function activities(options: ConnectorActivityOptions) {
  const created = createConnectorActivities(backend, options);
  const run = <A, R>(fn: (input: A) => Promise<R>, input: A): Promise<R> =>
    new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'sync-allowlist', runId: 'run-1' }, activityId: '2' },
      { logger: new DefaultLogger('ERROR') },
    ).run(fn, input);
  return {
    sync: (input: unknown) => run(created.syncConnector, input as never),
    check: (input: unknown) => run(created.checkConnector, input as never),
    discover: (input: unknown) => run(created.discoverConnector, input as never),
    resolve: (input: unknown) => run(created.resolveConnector, input as never),
  };
}

const postgres = 'airbyte/source-postgres:3.6.1';

describe('ConnectorAllowlist', () => {
  const faker = { executable: '/opt/venv/bin/source-faker' };
  const pg = { dockerImage: postgres, passEnv: ['PGPASSWORD'] };
  const pg2 = { dockerImage: postgres, name: 'pg-replica', env: { PGHOST: 'replica' } };
  const allowlist = new ConnectorAllowlist([fake, faker, pg, pg2]);

  test('a workflow picks an entry by its name, or by its exact executable or image', () => {
    assert.deepEqual(allowlist.names, ['fake', 'source-faker', 'source-postgres', 'pg-replica']);
    assert.equal(allowlist.resolve('fake'), fake);
    assert.equal(allowlist.resolve({ executable: fake.executable }), fake);
    assert.equal(allowlist.resolve({ executable: fake.executable, name: 'fake' }), fake);
    assert.equal(allowlist.resolve('source-faker'), faker);
    assert.equal(allowlist.resolve({ executable: '/opt/venv/bin/source-faker' }), faker);
    assert.equal(allowlist.resolve('pg-replica'), pg2);
    assert.equal(allowlist.resolve({ dockerImage: postgres, name: 'source-postgres' }), pg);
    assert.throws(
      () => allowlist.resolve({ dockerImage: postgres }),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        /connector\.name: expected the name of one of the entries that run "airbyte\/source-postgres:3\.6\.1": source-postgres, pg-replica/.test(
          error.message,
        ),
    );
  });

  test('anything else is refused non-retryably, naming what was refused and what is allowed', () => {
    const allowed =
      /it allows "fake" \(.*fake-source\.mjs\), "source-faker" \(\/opt\/venv\/bin\/source-faker\), "source-postgres" \(image airbyte\/source-postgres:3\.6\.1\), "pg-replica" \(image airbyte\/source-postgres:3\.6\.1\)\. Nothing was run\.$/;
    const refused: [unknown, RegExp][] = [
      ['/bin/sh', /^Connector "\/bin\/sh" is not allowed on this worker; /],
      [{ executable: '/bin/sh' }, /^Connector "\/bin\/sh" is not allowed/],
      [{ executable: 'fake-source.mjs' }, /"fake-source\.mjs" is not allowed/],
      [
        { executable: '/opt/venv/bin/../bin/source-faker' },
        /"\/opt\/venv\/bin\/\.\.\/bin\/source-faker"/,
      ],
      [{ dockerImage: 'airbyte/source-postgres:latest' }, /"airbyte\/source-postgres:latest"/],
      [{ dockerImage: '/opt/venv/bin/source-faker' }, /"\/opt\/venv\/bin\/source-faker" is not/],
      [{ executable: fake.executable, name: 'faker' }, /".*fake-source\.mjs" named "faker"/],
      [{ executable: fake.executable, args: ['-e', 'x'] }, /cannot set `connector\.args`/],
      [{ executable: fake.executable, env: { NODE_OPTIONS: '-r x' } }, /set `connector\.env`/],
      [{ executable: fake.executable, passEnv: ['DATABASE_URL'] }, /set `connector\.passEnv`/],
      [{ executable: fake.executable, cwd: '/' }, /cannot set `connector\.cwd`/],
      [{ dockerImage: postgres, network: 'host', name: 'pg-replica' }, /`connector\.network`/],
    ];
    for (const [reference, message] of refused)
      assert.throws(
        () => allowlist.resolve(reference),
        (error: unknown) => {
          assert.ok(error instanceof ConnectorError, String(error));
          assert.equal(error.type, 'ConnectorNotAllowed');
          assert.equal(error.retryable, false);
          assert.match(error.message, message);
          assert.match(error.message, allowed);
          return true;
        },
      );
    assert.throws(
      () => new ConnectorAllowlist().resolve('fake'),
      /Connector "fake" is not allowed on this worker; it allows none \(its `connectors` option is empty\)\. Nothing was run\./,
    );
  });

  test('a reference of the wrong shape is an input error', () => {
    const bad: [unknown, RegExp][] = [
      [undefined, /connector: expected the name of a connector this worker allows/],
      [3, /got number 3/],
      ['', /connector: expected a non-empty string/],
      [{}, /exactly one of `executable` and `dockerImage`, got neither/],
      [{ executable: 'a', dockerImage: 'b' }, /got both/],
      [{ executable: fake.executable, name: 7 }, /connector\.name: expected a non-empty string/],
    ];
    for (const [reference, message] of bad)
      assert.throws(
        () => allowlist.resolve(reference),
        (error: unknown) => error instanceof InvalidInputError && message.test(error.message),
      );
  });

  test("the worker's entries are checked when the activities are created", () => {
    const bad: [unknown, RegExp][] = [
      [[fake, { ...fake }], /connectors\[1\]\.name: expected a name that no other entry has/],
      [[faker, { executable: '/elsewhere/source-faker' }], /connectors\[1\]\.name.*"source-faker"/],
      [[{ executable: '' }], /connectors\[0\]\.executable/],
      [[{ executable: 'x', passEnv: ['NOT A NAME'] }], /connectors\[0\]\.passEnv\[0\]/],
      [
        [{ dockerImage: postgres, passEnv: 'PGPASSWORD' }],
        /connectors\[0\]\.passEnv: expected an array/,
      ],
      ['fake', /connectors: expected an array of connector specs/],
    ];
    for (const [connectors, message] of bad)
      assert.throws(
        () => createConnectorActivities(backend, { connectors: connectors as ConnectorSpec[] }),
        (error: unknown) => error instanceof InvalidInputError && message.test(error.message),
      );
  });
});

describe('the connector activities', () => {
  test('a connector the worker does not allow is refused before anything runs or changes', async () => {
    // A connector that leaves a mark if it ever runs, and a folder for the runs' files.
    const script = path.join(dir, 'source-evil');
    await writeFile(script, '#!/bin/sh\ntouch "$0.ran"\n', { mode: 0o755 });
    const runs = await mkdtemp(path.join(dir, 'runs-'));
    await startSync(backend, { connectionId: 'r1', sourceName: 'fake', owner: 'run-1' });
    const before = await sql('select * from _sync_state_connections');
    const tables = await sql('select tablename from pg_tables order by 1');
    const allowlisted = activities({ connectors: testConnectors, tempDir: runs });
    const nothingAllowed = activities({ tempDir: runs });
    const config = { streams: { alpha: 3 } };
    const attempts: [() => Promise<unknown>, RegExp][] = [
      [
        () => allowlisted.sync({ connectionId: 'r1', connector: { executable: script }, config }),
        /source-evil" is not allowed/,
      ],
      [
        () => allowlisted.sync({ connectionId: 'r1', connector: 'source-evil', config }),
        /"source-evil" is not/,
      ],
      [
        () =>
          allowlisted.sync({ connectionId: 'r1', connector: { ...fake, env: { X: '1' } }, config }),
        /`connector\.env`/,
      ],
      [
        () => allowlisted.check({ connector: { executable: script }, config }),
        /source-evil" is not allowed/,
      ],
      [
        () => allowlisted.discover({ connector: { dockerImage: 'evil/source:1' }, config }),
        /"evil\/source:1"/,
      ],
      [() => allowlisted.resolve({ connector: script }), /source-evil" is not allowed/],
      [
        () => nothingAllowed.sync({ connectionId: 'r1', connector: fake, config }),
        /it allows none/,
      ],
      [() => nothingAllowed.resolve({ connector: 'fake' }), /it allows none/],
    ];
    for (const [attempt, message] of attempts)
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof ApplicationFailure, String(error));
        assert.equal(error.type, 'ConnectorNotAllowed');
        assert.equal(error.nonRetryable, true);
        assert.match(error.message, message);
        return true;
      });
    assert.equal(existsSync(`${script}.ran`), false, 'the refused connector never ran');
    assert.deepEqual(await readdir(runs), [], 'no run folder was made: nothing was started');
    assert.deepEqual(
      await sql('select * from _sync_state_connections'),
      before,
      'the connection was not claimed',
    );
    assert.deepEqual(await sql('select tablename from pg_tables order by 1'), tables, 'no table');
    assert.deepEqual(await sql('select * from _airbyte_state'), [], 'no state');
    assert.deepEqual(await sql('select * from _sync_state_checkpoints'), [], 'no checkpoint');
  });

  test('an allowed connector runs as its entry says, and resolveConnector names it', async () => {
    const allowlisted = activities({ connectors: testConnectors });
    assert.deepEqual(await allowlisted.resolve({ connector: fake }), { name: 'fake' });
    assert.deepEqual(await allowlisted.resolve({ connector: 'source-nope' }), {
      name: 'source-nope',
    });
    const catalog = await allowlisted.discover({ connector: 'fake', config: {} });
    assert.deepEqual(
      catalog.streams.map((s) => s.name),
      ['alpha', 'beta'],
    );
  });
});
