import { WorkflowNotFoundError } from '@temporalio/common';
import { syncWorkflowId } from '../../../workflows/definitions';
import { getSyncState } from '../../client/sync-workflows';
import { readSyncProgress } from '../../client/read-progress';
import type { SyncProgress } from '../../activity-bodies/types';
import { type CommandArgs, type CommandSpec, stringOption } from '../command';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { orDash, shortJson, streamText, table } from '../format';

/** `sync status`: the state attached to the sync of a connection. */
export const syncStatus: CommandSpec = {
  name: 'sync status',
  synopsis: 'CONNECTION_ID [--source NAME [--destination NAME] [--table-prefix PREFIX]] [--json]',
  summary: 'the live state of the sync of a connection, or its stored state',
  description:
    "Shows the state attached to the sync of CONNECTION_ID (workflow sync-CONNECTION_ID): while it runs, its live progress through the workflow's query (a stream with a newer commit in the database, which the workflow has not heard of yet, as the database has it); once it has closed, or when Temporal has no such workflow or cannot be reached, the same shape read from the database. The database knows whose state a connection syncs from the history of its commits; --source (with --destination, --table-prefix) says it when no commit is kept.",
  positionals: ['CONNECTION_ID'],
  options: {
    source: { type: 'string', value: 'NAME', help: 'the source whose state the connection syncs' },
    destination: { type: 'string', value: 'NAME', help: 'its destination (with --source)' },
    'table-prefix': { type: 'string', value: 'PREFIX', help: 'its table prefix (with --source)' },
  },
  async run(ctx, args) {
    const connectionId = args.positionals[0] ?? '';
    const { progress, from } = await syncProgress(ctx, args, connectionId);
    if (ctx.json) return ctx.printJson(progress);
    const target = progress.destinationName
      ? `destination "${progress.destinationName}"`
      : 'the cache';
    ctx.print(
      `Connection ${progress.connectionId} (workflow ${syncWorkflowId(connectionId)}): ${progress.status}, ${from}`,
    );
    ctx.print(`Source "${progress.sourceName}" to ${target}; epoch ${progress.epoch}`);
    ctx.print(
      `Committed ${progress.recordsCommitted} records in ${progress.batchesCommitted} batches; last commit ${orDash(progress.lastCommittedAt)}`,
    );
    if (progress.streams.length === 0) return;
    ctx.print(
      table(
        ['STREAM', 'CHECKPOINT', 'RECORDS', 'COMMITTED AT', 'STATE'],
        progress.streams.map((s) => [
          streamText(s.name, s.namespace),
          String(s.checkpoint),
          String(s.recordsCommitted),
          orDash(s.committedAt),
          shortJson(s.state, 60),
        ]),
      ),
    );
  },
};

async function syncProgress(
  ctx: CliContext,
  args: CommandArgs,
  connectionId: string,
): Promise<{ progress: SyncProgress; from: string }> {
  const backend = await ctx.backend();
  const temporal = await ctx.temporal();
  if (temporal.kind === 'connected') {
    try {
      const progress = await getSyncState(temporal.client, syncWorkflowId(connectionId), {
        backend,
      });
      return {
        progress,
        from: progress.status === 'running' ? 'live from the workflow' : 'from the database',
      };
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      ctx.warn(
        `Temporal has no workflow ${syncWorkflowId(connectionId)}: showing the stored state.`,
      );
    }
  } else if (temporal.kind === 'unreachable') {
    ctx.warn(
      `cannot reach Temporal at ${temporal.address} (${temporal.reason}): showing the stored state.`,
    );
  } else {
    ctx.warn('no Temporal address is configured: showing the stored state.');
  }
  const source = stringOption(args, 'source');
  const owner =
    source === undefined
      ? await backend.connections.ownerOf(connectionId)
      : {
          sourceName: source,
          destinationName: stringOption(args, 'destination') ?? '',
          tablePrefix: stringOption(args, 'table-prefix') ?? '',
        };
  if (!owner) {
    throw new CliError(
      `No sync of connection "${connectionId}" is known: no workflow ${syncWorkflowId(connectionId)}, and no commit of it in the state history. --source names the state it syncs.`,
      EXIT.notFound,
    );
  }
  const progress = await readSyncProgress(
    backend,
    {
      connectionId,
      sourceName: owner.sourceName,
      destinationName: owner.destinationName || undefined,
      tablePrefix: owner.tablePrefix,
    },
    'unknown',
  );
  return { progress, from: 'from the database' };
}
