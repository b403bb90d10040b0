import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { after, afterEach, before } from 'node:test';
import { createDatabase, dropDatabase } from '../../examples/servers/databases';

/** The database of one test file (or suite), from {@link withTestDatabase}. */
export interface TestDatabase {
  /** Its name. Throws before the `before` hook has run. */
  readonly name: string;
  /** Its `postgres://` URL. Throws before the `before` hook has run. */
  readonly url: string;
  /**
   * Creates the database if that has not happened yet. Node 20 does not wait for one root-level
   * `before` hook before starting the next, so a file's own `before` must await this first.
   */
  ready(): Promise<void>;
}

/**
 * Gives the calling test file (or `describe` suite) a fresh, empty database on the server of
 * `DATABASE_URL`: created in a `before` hook, dropped after the file's own `after` hooks (so that
 * they can close their pools first). A database whose file failed is kept and its name printed.
 *
 * Call it at the top level of the file (or of a `describe`), not inside a hook or a test.
 */
export function withTestDatabase(): TestDatabase {
  const adminUrl = adminDatabaseUrl();
  let created: { name: string; url: string } | undefined;
  let failed = false;

  let creating: Promise<void> | undefined;
  const ready = (): Promise<void> =>
    (creating ??= createDatabase(adminUrl, uniqueName()).then((database) => {
      created = database;
    }));
  before(ready);
  afterEach((t) => {
    // TestContext#passed exists at run time on Node >= 20.12 but not yet in @types/node 20.
    if ((t as { passed?: boolean }).passed === false) failed = true;
  });
  // node:test runs `after` hooks in the order they were registered; registering ours once the
  // file's synchronous top level has run puts it after the file's own clean-up hooks.
  queueMicrotask(() =>
    after(async () => {
      if (!created) return;
      // node:test sets process.exitCode as soon as a test or hook fails.
      if (failed || (process.exitCode !== undefined && process.exitCode !== 0)) {
        console.error(
          `Kept the database of a failed test file: ${created.name} (${redact(created.url)})`,
        );
        return;
      }
      await dropDatabase(adminUrl, created.name);
    }),
  );

  const get = (key: 'name' | 'url'): string => {
    if (!created)
      throw new Error('The test database is created in a before hook: use it in hooks or tests.');
    return created[key];
  };
  return {
    ready,
    get name() {
      return get('name');
    },
    get url() {
      return get('url');
    },
  };
}

/** `DATABASE_URL`, set by `npm test`; throws a clear error when it is missing. */
export function adminDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set. Run the tests through `npm test` (it starts a PostgreSQL), ' +
        'or set DATABASE_URL to a server whose user may CREATE DATABASE.',
    );
  }
  return url;
}

/** `t_<file name>_<random>`: unique, and says which file it belongs to when it is kept. */
function uniqueName(): string {
  const file = basename(process.argv[1] ?? 'test', '.ts')
    .replace(/\.test$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 40);
  return `t_${file}_${randomBytes(4).toString('hex')}`;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
