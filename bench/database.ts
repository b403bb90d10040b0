import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDatabase, dropDatabase } from '../examples/servers/databases';
import {
  type EmbeddedPostgresServer,
  startEmbeddedPostgres,
} from '../examples/servers/embedded-postgres';

/** The benchmark's own database, on the server of `DATABASE_URL` or on an embedded one. */
export interface BenchDatabase {
  readonly url: string;
  /** Where it runs, for the report. */
  readonly description: string;
  /** `select version()` and the settings that change commit cost. */
  readonly server: string;
  /** Drops the database (or stops the embedded server). */
  close(): Promise<void>;
}

/**
 * Creates a fresh database for one benchmark run: on `DATABASE_URL`'s server when it is set (its
 * user must be allowed to CREATE DATABASE, as for `npm test`), else on an embedded PostgreSQL
 * started for the run.
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL;
  let embedded: EmbeddedPostgresServer | undefined;
  const adminUrl = given ?? (embedded = await startEmbeddedPostgres()).url;
  const name = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  try {
    const { url } = await createDatabase(adminUrl, name);
    const server = await describeServer(url);
    return {
      url,
      description: embedded
        ? `embedded PostgreSQL started for the run (examples/servers/embedded-postgres.ts: fsync, synchronous_commit and full_page_writes off)`
        : `the server of DATABASE_URL (a database created for the run and dropped after it)`,
      server,
      close: async () => {
        if (embedded) await embedded.stop();
        else await dropDatabase(adminUrl, name);
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

async function describeServer(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const version = await client.query<{ version: string }>('select version()');
    const settings = await client.query<{ name: string; value: string }>(
      `select name, current_setting(name) as value from pg_settings
        where name in ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections') order by name`,
    );
    const list = settings.rows.map((s) => `${s.name}=${s.value}`);
    return `${version.rows[0]?.version.split(',')[0] ?? 'PostgreSQL'} (${list.join(', ')})`;
  } finally {
    await client.end();
  }
}
