import { createHash } from 'node:crypto';
import type { RunResult, SqlExecutor } from './executor';

/** How {@link runStatement} sends a statement. */
export interface StatementOptions {
  /**
   * Send it as a named prepared statement, which PostgreSQL parses and plans once per
   * connection instead of once per call. For the statements the library runs on every write,
   * whose texts depend only on the table names (a few per backend). Default: `false`.
   */
  readonly prepare?: boolean;
  /**
   * Told when the server lost or refused a prepared statement, as behind a pooler that moves
   * sessions between server connections (PgBouncer in transaction mode): the caller then stops
   * preparing. Default: none.
   */
  readonly onPreparedStatementsUnavailable?: (reason: string) => void;
  /**
   * What the caller reads: the returned rows, or how many rows the statement touched. It tells
   * an executor that is not MikroORM's which `execute` method to call. Default: `'rows'`.
   */
  readonly result?: 'rows' | 'rowCount';
}

/**
 * The statement options of a backend: prepared while `enabled` and while the server keeps the
 * statements; the first sign that it does not (see {@link StatementOptions}) turns preparing
 * off for good, with one process warning (`TEMPORAL_SYNC_STATE_UNPREPARED`).
 */
export function backendStatementOptions(enabled: boolean): StatementOptions {
  const options = {
    prepare: enabled,
    onPreparedStatementsUnavailable: (reason: string) => {
      if (!options.prepare) return;
      options.prepare = false;
      process.emitWarning(
        `${reason}: the connections do not keep prepared statements (a pooler such as PgBouncer before 1.21 in transaction mode?). This backend sends its statements unprepared from now on; set preparedStatements: false to start that way.`,
        { code: 'TEMPORAL_SYNC_STATE_UNPREPARED' },
      );
    },
  };
  return options;
}

/**
 * The PostgreSQL errors of a session that does not hold the prepared statements its client
 * believes it holds: `26000` (does not exist) and `42P05` (already exists).
 */
const LOST_PREPARED_STATEMENT = new Set(['26000', '42P05']);

/** What a statement returned: its rows (with `returning`) and how many rows it touched. */
export interface StatementResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number;
}

/** The part of MikroORM's `SqlEntityManager` that reaches its knex instance and transaction. */
interface KnexEntityManager {
  getKnex(): KnexLike;
  getTransactionContext(): KnexLike | undefined;
  getDriver(): { convertException(error: Error): Error };
}

interface KnexLike {
  raw(sql: string, bindings: readonly unknown[]): BoundQuery;
  readonly client: {
    acquireConnection(): Promise<PgConnection>;
    releaseConnection(connection: PgConnection): Promise<unknown>;
  };
}

interface BoundQuery extends PromiseLike<PgResult> {
  transacting(transaction: KnexLike): BoundQuery;
}

interface PgConnection {
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<PgResult>;
}

interface PgResult {
  readonly rows?: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/**
 * Runs `sql` (`?` parameters, none inside literals) with its parameters BOUND, on the entity
 * manager's connection and inside its transaction, if any.
 *
 * Why not `em.execute`: MikroORM pastes every parameter into the SQL text, so PostgreSQL lexes
 * each value as a literal and plans every call anew. A state write with its history append
 * costs ~290 µs that way and ~115 µs as a prepared statement (the bare upsert by raw `pg`:
 * ~115 µs); a batch's ~300 KB of record JSON costs 18.6 ms pasted and 10.4 ms bound (see
 * BENCHMARKS.md). An executor that is not a MikroORM `SqlEntityManager` gets `execute`.
 */
export async function runStatement<Row = Record<string, unknown>>(
  db: SqlExecutor,
  sql: string,
  params: readonly unknown[],
  options: StatementOptions = {},
): Promise<StatementResult<Row>> {
  const em = db as Partial<KnexEntityManager>;
  if (
    typeof em.getKnex !== 'function' ||
    typeof em.getTransactionContext !== 'function' ||
    typeof em.getDriver !== 'function'
  ) {
    if (options.result === 'rowCount') {
      const result = (await db.execute(sql, [...params], 'run')) as RunResult;
      return { rows: [], rowCount: result.affectedRows };
    }
    const rows = (await db.execute(sql, [...params], 'all')) as Row[];
    return { rows, rowCount: rows.length };
  }
  try {
    return await runOnKnex<Row>(em as KnexEntityManager, sql, params, options);
  } catch (error) {
    // As `em.execute` does: MikroORM's exception classes (UniqueConstraintViolationException…).
    throw error instanceof Error ? em.getDriver().convertException(error) : error;
  }
}

async function runOnKnex<Row>(
  em: KnexEntityManager,
  sql: string,
  params: readonly unknown[],
  options: StatementOptions,
): Promise<StatementResult<Row>> {
  const transaction = em.getTransactionContext();
  let result: PgResult;
  if (options.prepare) {
    // A transaction's knex client hands out the transaction's connection and keeps it.
    const client = (transaction ?? em.getKnex()).client;
    const connection = await client.acquireConnection();
    try {
      const { name, text } = preparedText(sql);
      result = await connection.query({ name, text, values: params });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !LOST_PREPARED_STATEMENT.has(code)) throw error;
      const reason = `PostgreSQL answered "${(error as Error).message}" (${code}) to a prepared statement`;
      options.onPreparedStatementsUnavailable?.(reason);
      // Inside a transaction the error has aborted it: the caller's retry runs unprepared.
      if (transaction !== undefined) throw error;
      // Not awaited inside the try: `finally` gives this connection back before the retry takes
      // one, so a pool of one cannot wait for itself.
      return runOnKnex(em, sql, params, { result: options.result });
    } finally {
      await client.releaseConnection(connection);
    }
  } else {
    const query = em.getKnex().raw(sql, params);
    result = await (transaction === undefined ? query : query.transacting(transaction));
  }
  return { rows: (result.rows ?? []) as Row[], rowCount: result.rowCount ?? 0 };
}

/** A statement as PostgreSQL receives it, and the name it is prepared under. */
interface PreparedText {
  readonly text: string;
  readonly name: string;
}

/** Prepared texts by SQL text; a backend runs a few, so the cache stays small. */
const prepared = new Map<string, PreparedText>();

/**
 * `?` → `$1`, `$2`, … (the statements given here hold no `?` in literals or operators), named by
 * a digest of the text: equal texts share one statement per connection, different texts never
 * collide on a name.
 */
function preparedText(sql: string): PreparedText {
  let entry = prepared.get(sql);
  if (entry === undefined) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    const name = `tss_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    if (prepared.size >= 1_000) prepared.clear();
    entry = { text, name };
    prepared.set(sql, entry);
  }
  return entry;
}
