import { InvalidInputError } from '../../errors';
import type { SqlExecutor, StateTables } from '../sql/executor';
import { ensureDestinationTable } from '../sql/ensure-destination-table';
import { ensureStreamTable } from '../sql/stream-records';
import { registerTableOwner, type TableOwner } from '../sql/table-owners';
import { describeStream, qualifiedName, type RecordTable } from './record-table';

/** What was checked of a table: its layout and its owner. */
interface CheckedTable {
  readonly layout: string;
  readonly owner: TableOwner;
}

/**
 * The record tables one backend has checked: created, with the expected layout, owned by the
 * stream that writes to them. A commit checks a table once per worker rather than on every
 * batch; a table that changes behind the worker's back is checked again (see `TableChangedError`),
 * so that a warm worker answers like a fresh one.
 */
export class RecordTables {
  private readonly checked = new Map<string, CheckedTable>();

  /**
   * Makes sure `table` exists with its layout and belongs to its stream, inside the caller's
   * transaction. Returns `'trusted'` when an earlier commit checked it (no SQL run), otherwise a
   * function that remembers the check once the transaction has committed. Throws
   * `InvalidInputError` when the table holds another stream's records or has another layout.
   */
  async prepare(
    db: SqlExecutor,
    tables: StateTables,
    table: RecordTable,
    options: { readonly recheck?: boolean } = {},
  ): Promise<'trusted' | (() => void)> {
    const qualified = qualifiedName(table);
    const layout = layoutOf(table);
    const known = this.checked.get(qualified);
    if (known && !sameOwner(known.owner, table.owner)) throw collision(table, known.owner);
    if (known && known.layout === layout && !options.recheck) return 'trusted';
    this.checked.delete(qualified); // checked anew below; remembered only once committed
    if (table.kind === 'stream') await ensureStreamTable(db, table);
    else await ensureDestinationTable(db, table);
    const owner = await registerTableOwner(db, tables, table, table.owner);
    if (!sameOwner(owner, table.owner)) throw collision(table, owner);
    return () => this.checked.set(qualified, { layout, owner });
  }

  /** Forgets a table, so that the next commit checks it again. */
  forget(table: RecordTable): void {
    this.checked.delete(qualifiedName(table));
  }
}

function layoutOf(table: RecordTable): string {
  return JSON.stringify(
    table.kind === 'stream' ? [table.primaryKey] : [table.primaryKey, table.columns],
  );
}

function sameOwner(a: TableOwner, b: TableOwner): boolean {
  return (
    a.sourceName === b.sourceName && a.namespace === b.namespace && a.streamName === b.streamName
  );
}

function collision(table: RecordTable, owner: TableOwner): InvalidInputError {
  return new InvalidInputError(
    'table',
    `a table of its own: ${qualifiedName(table)} holds the records of ${describeStream(owner)} of source "${owner.sourceName}" (give this stream another table with the table option, or another tablePrefix)`,
    `${describeStream(table.owner)} of source "${table.owner.sourceName}"`,
  );
}
