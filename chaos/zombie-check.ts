/**
 * The check that a refused zombie commit left no row behind, on the checker's own connection in
 * plain SQL. When the harness lets a held-back commit through (heals its worker's link to
 * PostgreSQL, or releases a stalled commit), it first takes a fresh transaction id: every
 * transaction that writes later gets a larger one. A zombie that was refused (StaleCheckpoint)
 * for checkpoint N of a stream must then have left no row of that stream's table with a
 * checkpoint up to N written by a transaction at or after that id.
 */
import { Client } from 'pg';
import type { ActivityEvent } from './events';

/** A moment the harness let a worker's held-back commits through. */
export interface ReleaseMark {
  readonly worker: string;
  /** The connection whose held-back commit was let through; absent: any of the worker's. */
  readonly connectionId?: string;
  readonly t: number;
  /** A transaction id taken just before the release (low 32 bits, as `xmin` shows). */
  readonly xid: number;
}

/** A commit refused as stale, as the worker's events tell it. */
export interface RefusedCommit {
  readonly worker: string;
  readonly connectionId: string;
  readonly t: number;
  readonly table: string;
  readonly checkpoint: number;
}

/** The commits refused as stale among a scenario's events; `prefixOf` names a connection's tables. */
export function refusedCommits(
  events: readonly ActivityEvent[],
  prefixOf: (connectionId: string) => string,
): RefusedCommit[] {
  return events
    .filter((e) => e.e === 'fail' && e.error?.type === 'StaleCheckpoint' && e.connectionId)
    .map((e) => ({
      worker: e.worker,
      connectionId: e.connectionId ?? '',
      t: e.t,
      table: `${prefixOf(e.connectionId ?? '')}${e.stream}`,
      checkpoint: e.checkpoint ?? 0,
    }));
}

/** Takes a transaction id now (the next writer gets a larger one). */
export async function takeReleaseMark(
  url: string,
  worker: string,
  connectionId?: string,
): Promise<ReleaseMark> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ xid: string }>(
      `select (pg_current_xact_id()::text::bigint & 4294967295)::text as xid`,
    );
    return { worker, connectionId, t: Date.now(), xid: Number(rows[0]?.xid) };
  } finally {
    await client.end();
  }
}

/**
 * For each refused commit that followed a release of its worker: counts the rows it could have
 * left. Returns how many refusals were checked and a problem per refusal that left rows.
 */
export async function checkRefusedCommits(
  url: string,
  refused: readonly RefusedCommit[],
  marks: readonly ReleaseMark[],
): Promise<{ checked: number; problems: string[] }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const problems: string[] = [];
  let checked = 0;
  try {
    for (const commit of refused) {
      const mark = marks
        .filter(
          (m) =>
            m.worker === commit.worker &&
            m.t <= commit.t &&
            (m.connectionId === undefined || m.connectionId === commit.connectionId),
        )
        .sort((a, b) => b.t - a.t)[0];
      if (!mark) continue; // a second run refused, not a held-back zombie
      checked++;
      const { rows } = await client.query<{ n: string }>(
        `select count(*)::text as n from ${client.escapeIdentifier(commit.table)}
          where _airbyte_checkpoint <= $1 and xmin::text::bigint >= $2`,
        [commit.checkpoint, mark.xid],
      );
      const left = Number(rows[0]?.n ?? 0);
      if (left > 0)
        problems.push(
          `the refused zombie commit of ${commit.table} checkpoint ${commit.checkpoint} (${commit.worker}) left ${left} rows behind`,
        );
    }
  } finally {
    await client.end();
  }
  return { checked, problems };
}
