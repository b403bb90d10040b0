import type { SyncStateOwner } from '../../client/running-syncs';
import type { StreamRef } from '../../backend/state-provider';
import type { StateChangeOptions, StateOwnerRef } from '../../operations/types';
import { type CommandArgs, listOption, type OptionSpec, stringOption } from '../command';
import type { CliContext } from '../context';
import { checkNoRunningSync } from '../guard';

/** Options naming whose state: a destination and a table prefix (the source is an argument). */
export const OWNER_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  destination: {
    type: 'string',
    value: 'NAME',
    help: 'the state acknowledged by this destination (default: the cache state)',
  },
  'table-prefix': {
    type: 'string',
    value: 'PREFIX',
    help: "table prefix of the state rows (default: '')",
  },
};

/** Options naming streams. */
export const STREAM_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  stream: {
    type: 'string',
    multiple: true,
    value: 'NAME',
    help: 'only this stream (_GLOBAL, _LEGACY for those kinds); repeat for more',
  },
  namespace: {
    type: 'string',
    value: 'NS',
    help: 'namespace of the --stream names (default: the one namespace that has them)',
  },
};

/** Options of every command that changes state. */
export const CHANGE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  force: {
    type: 'boolean',
    help: 'change the state even while a sync of it runs, or when Temporal cannot be asked (the history says so)',
  },
  connection: {
    type: 'string',
    multiple: true,
    value: 'ID',
    help: 'also check (and fence off) the sync of this connection',
  },
  note: { type: 'string', value: 'TEXT', help: 'kept with the change in the state history' },
  author: {
    type: 'string',
    value: 'NAME',
    help: 'recorded as cli:NAME in the state history (default: cli)',
  },
};

/** Whose state a command works on. */
export interface CliOwner extends StateOwnerRef {
  readonly destinationName: string | undefined;
  readonly tablePrefix: string;
}

/** The owner named by `source` and the owner options. */
export function ownerOf(args: CommandArgs, source: string): CliOwner {
  return {
    sourceName: source,
    destinationName: stringOption(args, 'destination'),
    tablePrefix: stringOption(args, 'table-prefix') ?? '',
  };
}

/** The owner as the running-sync check needs it. */
export function syncOwner(owner: CliOwner): SyncStateOwner {
  return {
    sourceName: owner.sourceName,
    destinationName: owner.destinationName,
    tablePrefix: owner.tablePrefix,
  };
}

/** The `--stream` names, with `--namespace` when given. */
export function streamRefs(args: CommandArgs): StreamRef[] | undefined {
  const names = listOption(args, 'stream');
  if (names.length === 0) return undefined;
  const namespace = stringOption(args, 'namespace');
  return names.map((name) =>
    namespace === undefined ? name : { name, namespace: namespace === '' ? null : namespace },
  );
}

/**
 * Runs the running-sync check for `owners` and returns the options of the change: author, the
 * note (with what the check skipped or overrode), and the connections to fence off.
 */
export async function guardedChange(
  ctx: CliContext,
  args: CommandArgs,
  owners: readonly CliOwner[],
): Promise<StateChangeOptions> {
  const guard = await checkNoRunningSync(ctx, owners.map(syncOwner), {
    force: args.values.force === true,
    connectionIds: listOption(args, 'connection'),
  });
  const author = stringOption(args, 'author');
  return {
    author: author === undefined ? 'cli' : `cli:${author}`,
    note: [guard.note, stringOption(args, 'note')].filter(Boolean).join('; ') || undefined,
    connectionIds: [...listOption(args, 'connection'), ...guard.connectionIds],
  };
}
