import { findRunningSyncs, type SyncStateOwner } from '../client/running-syncs';
import type { CliContext } from './context';
import { CliError, EXIT } from './errors';

/** What the running-sync check allows: a note for the history, and connections to fence. */
export interface GuardResult {
  /** Says in the history that the check was skipped or overridden; absent when it passed. */
  readonly note?: string;
  /** Connections of the syncs found running (overridden with --force). */
  readonly connectionIds: string[];
}

/**
 * Asks Temporal whether a sync runs on the state of `owners` before a command changes it
 * (see `findRunningSyncs` for how a connection's state is found). Refuses when one runs, or when
 * Temporal is configured but cannot be asked; `force` overrides both, with a warning and a note
 * for the history. With no Temporal configured at all it proceeds and warns.
 */
export async function checkNoRunningSync(
  ctx: CliContext,
  owners: readonly SyncStateOwner[],
  options: { readonly force: boolean; readonly connectionIds: readonly string[] },
): Promise<GuardResult> {
  const temporal = await ctx.temporal();
  if (temporal.kind === 'unconfigured') {
    ctx.warn(
      'no Temporal address is configured (TEMPORAL_ADDRESS, a temporal.toml profile or --temporal-address): could not check that no sync is running.',
    );
    return { note: 'running syncs unchecked: no Temporal configured', connectionIds: [] };
  }
  if (temporal.kind === 'unreachable') {
    if (!options.force) {
      throw new CliError(
        `Cannot reach Temporal at ${temporal.address} to check that no sync is running (${temporal.reason}). Nothing was changed; --force changes the state without the check.`,
        EXIT.refused,
      );
    }
    ctx.warn(
      `--force: Temporal at ${temporal.address} is unreachable; changing the state unchecked.`,
    );
    return {
      note: `--force: Temporal at ${temporal.address} unreachable, not checked`,
      connectionIds: [],
    };
  }
  const backend = await ctx.backend();
  let running;
  try {
    running = await findRunningSyncs(temporal.client, backend, owners, {
      connectionIds: options.connectionIds,
    });
  } catch (error) {
    // E.g. a namespace that does not exist, or an API key that may not list workflows.
    const reason = (error as Error).message;
    if (!options.force) {
      throw new CliError(
        `Cannot ask Temporal at ${temporal.address} whether a sync is running (${reason}). Nothing was changed; --force changes the state without the check.`,
        EXIT.refused,
      );
    }
    ctx.warn(
      `--force: cannot ask Temporal whether a sync is running (${reason}); changing the state unchecked.`,
    );
    return {
      note: `--force: Temporal at ${temporal.address} could not be asked`,
      connectionIds: [],
    };
  }
  if (running.length === 0) return { connectionIds: [] };
  const list = running
    .map((r) => `connection "${r.connectionId}" (workflow ${r.workflowId}, run ${r.runId})`)
    .join(', ');
  if (!options.force) {
    throw new CliError(
      `A sync is running on this state: ${list}. Nothing was changed. Wait for it to finish or stop it; --force changes the state anyway (the running sync then fails at its next commit).`,
      EXIT.refused,
    );
  }
  ctx.warn(
    `--force: a sync is running on this state: ${list}. It is fenced off and fails at its next commit; start it again to sync from the new state.`,
  );
  return {
    note: `--force: sync running (${running.map((r) => r.workflowId).join(', ')})`,
    connectionIds: running.map((r) => r.connectionId),
  };
}
