import type { SqlStateBackend } from '../../backend/sql-state-backend';
import { clearState } from '../../operations/clear-state';
import { getState } from '../../operations/get-state';
import type { AirbyteStateMessage } from '../../protocol/types';
import type { CliContext } from '../context';
import { stringifyExactJson } from '../../protocol/exact-json';
import type { CommandSpec } from '../command';
import { CliError, EXIT } from '../errors';
import { orDash, plural, streamText, table } from '../format';
import { where } from './state-get';
import {
  CHANGE_OPTIONS,
  type CliOwner,
  guardedChange,
  ownerOf,
  OWNER_OPTIONS,
  STREAM_OPTIONS,
  streamRefs,
} from './shared';

/** `state clear`: delete state rows. */
export const stateClear: CommandSpec = {
  name: 'state clear',
  synopsis:
    'SOURCE --stream NAME ...|--all-streams [--dry-run] [--destination NAME] [--table-prefix PREFIX] [--force]',
  summary: 'delete the state of a source, or of some streams; prints what it removed',
  description:
    'Deletes the state rows of SOURCE (the --stream ones, or with --all-streams every stream) and prints what it removed; --dry-run prints what it would remove and changes nothing. It never writes empty state. The connections that synced this state keep their checkpoint numbers, and their runs are fenced off, so the next sync finds no state and reads those streams from scratch. The history keeps the removed state: state rollback restores it. Refused while a sync of this state runs.',
  positionals: ['SOURCE'],
  options: {
    ...STREAM_OPTIONS,
    'all-streams': {
      type: 'boolean',
      help: 'clear every stream of the owner (instead of --stream)',
    },
    'dry-run': { type: 'boolean', help: 'print what would be removed; change nothing' },
    ...OWNER_OPTIONS,
    ...CHANGE_OPTIONS,
  },
  async run(ctx, args) {
    const owner = ownerOf(args, args.positionals[0] ?? '');
    const streams = streamRefs(args);
    if ((streams === undefined) === (args.values['all-streams'] !== true))
      throw new CliError(
        streams === undefined
          ? 'state clear needs --stream NAME (repeat for more) or --all-streams to clear every stream.'
          : '--stream and --all-streams exclude each other.',
        EXIT.usage,
      );
    const backend = await ctx.backend();
    if (args.values['dry-run'] === true) return dryRun(ctx, backend, owner, streams);
    const change = await guardedChange(ctx, args, [owner]);
    const result = await clearState(backend, owner, { ...change, streams });
    if (result.removed.length === 0)
      throw new CliError(
        `No state to clear for source "${owner.sourceName}"${where(owner)}.`,
        EXIT.notFound,
      );
    if (ctx.json)
      return ctx.printJson({ ...owner, destinationName: owner.destinationName ?? null, ...result });
    ctx.print(
      `Removed the state of ${plural(result.removed.length, 'stream')} of source "${owner.sourceName}"${where(owner)}:`,
    );
    ctx.print(
      table(
        ['STREAM', 'LAST UPDATED', 'CLEAR VERSION', 'REMOVED STATE'],
        result.removed.map((r) => [
          streamText(r.streamName, r.namespace),
          orDash(r.lastUpdated),
          String(r.version),
          r.stateJson ?? 'null',
        ]),
      ),
    );
    if (result.fencedConnections.length > 0)
      ctx.print(`Fenced off the runs of connection ${result.fencedConnections.join(', ')}.`);
    for (const removed of result.removed) {
      // The version before the clear holds the removed state, unless PyAirbyte wrote it.
      const [, before] = await backend.getStateHistory(owner.sourceName, {
        destinationName: owner.destinationName,
        tablePrefix: owner.tablePrefix,
        stream: { name: removed.streamName, namespace: removed.namespace },
        limit: 2,
      });
      if (before?.message && stringifyExactJson(before.message) === removed.stateJson)
        ctx.print(`Undo: ${undoCommand(owner, removed, before.version)}`);
    }
  },
};

/** `--dry-run`: the streams and states a clear would remove, read without a change. */
async function dryRun(
  ctx: CliContext,
  backend: SqlStateBackend,
  owner: CliOwner,
  streams: ReturnType<typeof streamRefs>,
): Promise<void> {
  const document = await getState(backend, owner, { streams });
  if (document.messages.length === 0)
    throw new CliError(
      `No state to clear for source "${owner.sourceName}"${where(owner)}.`,
      EXIT.notFound,
    );
  if (ctx.json) return ctx.printJson({ dryRun: true, ...document });
  ctx.print(
    `Would remove the state of ${plural(document.messages.length, 'stream')} of source "${owner.sourceName}"${where(owner)} (dry run: nothing changed):`,
  );
  ctx.print(
    table(
      ['STREAM', 'STATE'],
      document.messages.map((m) => [messageStream(m), stringifyExactJson(m)]),
    ),
  );
}

function messageStream(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM' && message.stream) {
    const { name, namespace } = message.stream.stream_descriptor;
    return streamText(name, namespace ?? null);
  }
  return message.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY';
}

function undoCommand(
  owner: CliOwner,
  removed: { streamName: string; namespace: string | null },
  version: number,
): string {
  const words = ['temporal-sync-state state rollback', quote(owner.sourceName)];
  if (owner.destinationName !== undefined)
    words.push('--destination', quote(owner.destinationName));
  if (owner.tablePrefix) words.push('--table-prefix', quote(owner.tablePrefix));
  words.push('--stream', quote(removed.streamName));
  if (removed.namespace !== null) words.push('--namespace', quote(removed.namespace));
  words.push('--to', String(version));
  return words.join(' ');
}

/** A shell word: quoted only when it needs to be. */
function quote(word: string): string {
  return /^[\w.:@%+=,/-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
