/**
 * One database per test file (or per anything) on a shared server, by plain SQL through `pg`, so
 * that it works against the embedded server and against any PostgreSQL given as DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database made by {@link createDatabase}. */
export interface CreatedDatabase {
  /** The database's name. */
  readonly name: string;
  /** The admin URL with its database replaced by this one. */
  readonly url: string;
}

/**
 * Creates a database on the server of `adminUrl` (a URL of a user allowed to CREATE DATABASE).
 * `name` defaults to a unique `test_…` name.
 */
export async function createDatabase(adminUrl: string, name?: string): Promise<CreatedDatabase> {
  const database = name ?? `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`),
  );
  return { name: database, url: databaseUrl(adminUrl, database) };
}

/**
 * Drops a database if it exists, ending its open connections first (WITH (FORCE)), so that a
 * connection pool that was not closed does not leave the database behind.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** Returns `url` with its database (path) replaced by `database`. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
