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
    "Shows the state attached to the sync of CONNECTION_ID (workflow sync-CONNECTION_ID), with each stream's lag (the time since its last commit) and, while it runs, its records/s over --rate-seconds: while it runs, its live progress through the workflow's query (a stream with a newer commit in the database, which the workflow has not heard of yet, as the database has it); once it has closed, or when Temporal has no such workflow or cannot be reached, the same shape read from the database. The database knows whose state a connection syncs from the history of its commits; --source (with --destination, --table-prefix) says it when no commit is kept.",
  positionals: ['CONNECTION_ID'],
  options: {
    'rate-seconds': {
      type: 'string',
      value: 'S',
      help: 'while the sync runs, measure records/s over S seconds (default: 2; 0: no rate)',
    },
    source: { type: 'string', value: 'NAME', help: 'the source whose state the connection syncs' },
    destination: { type: 'string', value: 'NAME', help: 'its destination (with --source)' },
    'table-prefix': { type: 'string', value: 'PREFIX', help: 'its table prefix (with --source)' },
  },
  async run(ctx, args) {
    const connectionId = args.positionals[0] ?? '';
    const rateSeconds = rateSecondsOf(args);
    const first = await syncProgress(ctx, args, connectionId);
    // Records/s: the same query again a moment later (a running sync only).
    const { progress, from, rates } = await withRates(ctx, args, connectionId, first, rateSeconds);
    const now = Date.now();
    if (ctx.json)
      return ctx.printJson({
        ...progress,
        streams: progress.streams.map((s) => ({
          ...s,
          lagSeconds: lagSeconds(s.committedAt, now),
          recordsPerSecond: rates?.get(streamText(s.name, s.namespace)) ?? null,
        })),
      });
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
    if (rates)
      ctx.print(
        `RECORDS counts every commit's records, again after a rewind; RECORDS/S over the last ${rateSeconds} s.`,
      );
    ctx.print(
      table(
        ['STREAM', 'CHECKPOINT', 'RECORDS', 'RECORDS/S', 'LAG', 'COMMITTED AT', 'STATE'],
        progress.streams.map((s) => [
          streamText(s.name, s.namespace),
          String(s.checkpoint),
          String(s.recordsCommitted),
          orDash(rates?.get(streamText(s.name, s.namespace))?.toFixed(1) ?? null),
          lagText(lagSeconds(s.committedAt, now)),
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
  // Printed once the database knows the connection: an unknown one gets the error alone.
  const notes: string[] = [];
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
      notes.push(
        `Temporal has no workflow ${syncWorkflowId(connectionId)}: showing the stored state.`,
      );
    }
  } else if (temporal.kind === 'unreachable') {
    notes.push(
      `cannot reach Temporal at ${temporal.address} (${temporal.reason}): showing the stored state.`,
    );
  } else {
    notes.push('no Temporal address is configured: showing the stored state.');
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
  for (const note of notes) ctx.warn(note);
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

const DEFAULT_RATE_SECONDS = 2;

function rateSecondsOf(args: CommandArgs): number {
  const text = stringOption(args, 'rate-seconds');
  if (text === undefined) return DEFAULT_RATE_SECONDS;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value > 60)
    throw new CliError(`--rate-seconds expects 0 to 60 seconds, got "${text}".`, EXIT.usage);
  return value;
}

/** Asks a running sync again after `seconds` and returns the newer answer with each stream's records/s. */
async function withRates(
  ctx: CliContext,
  args: CommandArgs,
  connectionId: string,
  first: { progress: SyncProgress; from: string },
  seconds: number,
): Promise<{ progress: SyncProgress; from: string; rates?: Map<string, number> }> {
  if (first.progress.status !== 'running' || seconds === 0) return first;
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const second = await syncProgress(ctx, args, connectionId);
  const elapsed = (Date.now() - started) / 1000;
  const before = new Map(
    first.progress.streams.map((s) => [streamText(s.name, s.namespace), s.recordsCommitted]),
  );
  const rates = new Map(
    second.progress.streams.map((s) => {
      const key = streamText(s.name, s.namespace);
      return [key, Math.max(0, s.recordsCommitted - (before.get(key) ?? 0)) / elapsed];
    }),
  );
  return { ...second, rates };
}

function lagSeconds(committedAt: string | null, now: number): number | null {
  return committedAt === null ? null : Math.max(0, (now - Date.parse(committedAt)) / 1000);
}

/** `4.2 s`, `3 min 5 s`, `2 h 10 min`, or `-` before any commit. */
function lagText(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
