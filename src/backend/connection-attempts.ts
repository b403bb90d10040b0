import type { SqlStateBackend } from './sql-state-backend';
import { type AttemptOrder, claimConnectionAttempt } from './sql/claim-connection-attempt';

export type { AttemptOrder } from './sql/claim-connection-attempt';

/**
 * Makes one activity attempt of a run the owner of a connection and returns its new epoch (see
 * `claimConnectionAttempt`); `undefined` when a newer run, a later call or a later attempt owns it.
 */
export async function claimAttempt(
  backend: SqlStateBackend,
  connectionId: string,
  runOwner: string,
  order: AttemptOrder,
): Promise<number | undefined> {
  await backend.migrate();
  return backend
    .fork()
    .transactional((em) =>
      claimConnectionAttempt(em, backend.tables, connectionId, runOwner, order),
    );
}
