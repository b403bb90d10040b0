import type { AirbyteStateType } from '../../protocol/types';
import {
  GLOBAL_STATE_STREAM_NAME,
  GLOBAL_STATE_STREAM_NAMES,
  LEGACY_STATE_STREAM_NAME,
} from '../../protocol/types';
import type { ClearedStreamState } from '../clear-states';
import type { SqlExecutor, StateTables } from '../sql/executor';
import { selectStates } from '../sql/select-states';
import type { StateWriterKey } from '../sql-state-writer';
import type { ClearStateOptions } from '../state-history';

/** Deletes state rows, recording each deletion as a clear (the backend's `clearState`). */
export type ClearStatesPort = (
  owner: StateWriterKey,
  options: ClearStateOptions & { readonly em: SqlExecutor },
) => Promise<ClearedStreamState[]>;

/**
 * Deletes the owner's state rows of the other kinds than `type`, in the commit's transaction: a
 * GLOBAL commit supersedes every STREAM row (and `_LEGACY`), a STREAM commit the `_GLOBAL` and
 * `_LEGACY` rows, a LEGACY commit the others. A connector that switched kinds (per-stream cursors
 * to CDC, or back) then gets one coherent `--state`: the CDK ignores a GLOBAL among STREAM
 * messages, and Airbyte's Bulk CDK refuses STREAM rows left beside a GLOBAL. The rows are deleted,
 * never blanked, and each deletion is a version of the history, so a rollback brings one back.
 */
export async function supersedeOtherStateTypes(
  em: SqlExecutor,
  tables: StateTables,
  clearStates: ClearStatesPort,
  owner: StateWriterKey,
  type: AirbyteStateType,
  audit: { readonly note: string; readonly connectionId: string | undefined },
): Promise<ClearedStreamState[]> {
  const rows = await selectStates(em, tables, owner);
  const keep = (name: string): boolean =>
    type === 'STREAM'
      ? !GLOBAL_STATE_STREAM_NAMES.includes(name)
      : name === (type === 'GLOBAL' ? GLOBAL_STATE_STREAM_NAME : LEGACY_STATE_STREAM_NAME);
  const others = rows.filter((row) => !keep(row.stream_name));
  if (others.length === 0) return [];
  return clearStates(owner, {
    destinationName: owner.destinationName,
    tablePrefix: owner.tablePrefix,
    streams: others.map((row) => ({ name: row.stream_name, namespace: row.stream_namespace })),
    note: audit.note,
    audit: { operation: 'clear', connectionId: audit.connectionId },
    em,
  });
}
