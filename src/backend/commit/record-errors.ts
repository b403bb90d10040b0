import { InvalidInputError } from '../../errors';
import { describeStream, qualifiedName, type RecordTable } from './record-table';

/**
 * The SQLSTATEs by which a table that this worker had checked may have changed behind its back
 * (dropped, a column or its key changed): the commit is then tried once more, checking the
 * table first, so that a warm worker answers like a fresh one.
 */
const TABLE_CHANGED = new Set(['42P01', '42703', '42P10', '42804']);

/** Thrown when a cached table turned out to have changed; the commit is tried again, checking it. */
export class TableChangedError extends Error {
  constructor(
    readonly table: RecordTable,
    cause: unknown,
  ) {
    super(`temporal-sync-state: table ${qualifiedName(table)} changed since it was checked`, {
      cause,
    });
  }
}

/** An {@link InvalidInputError} for records PostgreSQL refused, with the server's reason apart. */
export class RecordsRefusedError extends InvalidInputError {
  constructor(
    table: RecordTable,
    /** The server's reason, without SQL text or row data. */
    readonly reason: string,
    /** The server's SQLSTATE. */
    readonly sqlState: string,
  ) {
    super(
      `records of ${describeStream(table.owner)}`,
      `records that table ${qualifiedName(table)} accepts`,
      `one it refused: ${reason} (SQLSTATE ${sqlState}). Nothing of this commit was written`,
    );
  }
}

/** The SQLSTATE of a PostgreSQL error, as the driver and MikroORM's wrappers carry it. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Turns an error of a record write into what the caller should see: {@link TableChangedError}
 * when a table taken on trust may have changed; a non-retryable {@link InvalidInputError} when
 * PostgreSQL refused the records themselves ({@link RecordsRefusedError}) (SQLSTATE classes 22 data, 23 integrity, 42 rules —
 * except 42501, a missing privilege an operator can grant while the activity retries — and 54
 * limits), naming the table, the stream and the server's reason; anything else unchanged
 * (retryable: a lost connection, a restarting server, a deadlock).
 */
export function recordWriteError(error: unknown, table: RecordTable, trusted: boolean): unknown {
  const code = sqlState(error);
  if (code === undefined) return error;
  if (trusted && TABLE_CHANGED.has(code)) return new TableChangedError(table, error);
  if (!/^(22|23|42|54)/.test(code) || code === '42501') return error;
  return new RecordsRefusedError(table, serverMessage(error), code);
}

/**
 * The server's own message, without the SQL text MikroORM prepends and without the `detail`,
 * which may quote a whole row (records can hold personal data; errors go to workflow history).
 */
function serverMessage(error: unknown): string {
  const fields = error as { sqlMessage?: unknown; message?: unknown };
  if (typeof fields.sqlMessage === 'string' && fields.sqlMessage !== '') return fields.sqlMessage;
  const message = String(fields.message ?? error).split(/\n\s*- (?:detail|hint):/)[0] ?? '';
  return message.split(' - ').at(-1)?.trim() ?? message;
}
