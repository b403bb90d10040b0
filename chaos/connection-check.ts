/**
 * The check that no worker keeps more connections open on PostgreSQL than its pool once a
 * partition has healed: dead sessions must end (by the server's idle-in-transaction timeout and
 * keepalive, or by the worker dropping them), not pile up. Plain SQL on the checker's own
 * connection: pg_stat_activity, by the workers' `application_name`.
 */
import { Client } from 'pg';

/** How the connections settled after a heal. */
export interface SettleResult {
  /** Time until every worker held at most its pool, in ms (`withinMs` when it never did). */
  readonly ms: number;
  readonly settled: boolean;
  /** Connections per worker at the last look. */
  readonly held: Readonly<Record<string, number>>;
}

/** Polls until each worker whose `application_name` starts with `appName` holds ≤ `poolSize`. */
export async function waitForConnectionsToSettle(
  url: string,
  appName: string,
  poolSize: number,
  withinMs: number,
): Promise<SettleResult> {
  const started = Date.now();
  let held: Record<string, number> = {};
  for (;;) {
    held = await connectionsByWorker(url, appName).catch(() => held);
    const settled = Object.values(held).every((n) => n <= poolSize);
    if (settled || Date.now() - started >= withinMs)
      return { ms: Date.now() - started, settled, held };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Connections on the server per `application_name` starting with `appName`. */
export async function connectionsByWorker(
  url: string,
  appName: string,
): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ app: string; n: string }>(
      `select application_name as app, count(*)::text as n from pg_stat_activity
        where starts_with(application_name, $1) group by 1 order by 1`,
      [appName],
    );
    return Object.fromEntries(rows.map((r) => [r.app, Number(r.n)]));
  } finally {
    await client.end();
  }
}
