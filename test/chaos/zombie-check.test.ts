import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { checkRefusedCommits, takeReleaseMark } from '../../chaos/zombie-check';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let client: Client;

before(async () => {
  await db.ready();
  client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query('create table zombie_users (id int primary key, _airbyte_checkpoint int)');
  await client.query('insert into zombie_users values (1, 1), (2, 2)');
});
after(() => client?.end());

test('a refused commit passes when no row up to its checkpoint was written after the release', async () => {
  const mark = await takeReleaseMark(db.url, 'w1');
  await client.query('insert into zombie_users values (3, 3)'); // a later batch: allowed
  const refused = [
    { worker: 'w1', connectionId: 'c', t: Date.now(), table: 'zombie_users', checkpoint: 2 },
  ];
  assert.deepEqual(await checkRefusedCommits(db.url, refused, [mark]), {
    checked: 1,
    problems: [],
  });
});

test('a refused commit that left a row of its checkpoint after the release is reported', async () => {
  const mark = await takeReleaseMark(db.url, 'w2');
  await client.query('update zombie_users set id = 20 where id = 2'); // the "zombie" rewrote batch 2
  const refused = [
    { worker: 'w2', connectionId: 'c', t: Date.now(), table: 'zombie_users', checkpoint: 2 },
  ];
  const found = await checkRefusedCommits(db.url, refused, [mark]);
  assert.equal(found.checked, 1);
  assert.match(found.problems[0] ?? '', /checkpoint 2 \(w2\) left 1 rows behind/);
});

test('a refusal without a release of its worker (a second run, not a zombie) is not checked', async () => {
  const refused = [
    { worker: 'w3', connectionId: 'c', t: Date.now(), table: 'zombie_users', checkpoint: 2 },
  ];
  assert.deepEqual(await checkRefusedCommits(db.url, refused, []), { checked: 0, problems: [] });
});

test("a refusal on another connection than the one whose zombie was released is not checked (that connection's rows are its own run's)", async () => {
  const mark = await takeReleaseMark(db.url, 'w4', 'zombie-connection');
  await client.query('insert into zombie_users values (40, 1)'); // the other connection's own run
  const refused = [
    {
      worker: 'w4',
      connectionId: 'rival-connection',
      t: Date.now(),
      table: 'zombie_users',
      checkpoint: 2,
    },
  ];
  assert.deepEqual(await checkRefusedCommits(db.url, refused, [mark]), {
    checked: 0,
    problems: [],
  });
});
