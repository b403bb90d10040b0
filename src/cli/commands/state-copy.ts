import { copyState, moveState } from '../../operations/copy-state';
import { type CommandArgs, type CommandSpec, stringOption } from '../command';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { plural, streamText } from '../format';
import { where } from './state-get';
import {
  CHANGE_OPTIONS,
  guardedChange,
  ownerOf,
  OWNER_OPTIONS,
  STREAM_OPTIONS,
  streamRefs,
} from './shared';

const TARGET_OPTIONS = {
  'to-destination': {
    type: 'string',
    value: 'NAME',
    help: 'the destination of TO (default: that of --destination)',
  },
  'to-cache': { type: 'boolean', help: 'TO is cache state (when --destination names the origin)' },
  'to-table-prefix': {
    type: 'string',
    value: 'PREFIX',
    help: 'the table prefix of TO (default: that of --table-prefix)',
  },
} as const;

/** `state copy`: copy state to another source or destination. */
export const stateCopy: CommandSpec = command('copy');

/** `state move`: move state to another source or destination. */
export const stateMove: CommandSpec = command('move');

function command(operation: 'copy' | 'move'): CommandSpec {
  return {
    name: `state ${operation}`,
    synopsis: `FROM TO [--stream NAME ...] [--destination NAME] [--to-destination NAME | --to-cache] [--force]`,
    summary: `${operation} the state of source FROM to source TO (or to another destination)`,
    description:
      operation === 'copy'
        ? 'Copies the state of source FROM (every stream, or the --stream ones) to source TO, in one transaction: each copied stream replaces the state TO has for it; its other streams stay. --destination, --table-prefix name the state of both sides; --to-destination, --to-cache, --to-table-prefix change the side of TO. Refused while a sync of the state of TO runs.'
        : 'Moves the state of source FROM (every stream, or the --stream ones) to source TO: copies it as state copy does, and removes it from FROM, in one transaction. Refused while a sync of the state of FROM or TO runs.',
    positionals: ['FROM', 'TO'],
    options: { ...STREAM_OPTIONS, ...OWNER_OPTIONS, ...TARGET_OPTIONS, ...CHANGE_OPTIONS },
    run: (ctx, args) => transfer(ctx, args, operation),
  };
}

async function transfer(ctx: CliContext, args: CommandArgs, operation: 'copy' | 'move') {
  const from = ownerOf(args, args.positionals[0] ?? '');
  const to = {
    sourceName: args.positionals[1] ?? '',
    destinationName:
      args.values['to-cache'] === true
        ? undefined
        : (stringOption(args, 'to-destination') ?? from.destinationName),
    tablePrefix: stringOption(args, 'to-table-prefix') ?? from.tablePrefix,
  };
  const backend = await ctx.backend();
  const change = await guardedChange(ctx, args, operation === 'move' ? [from, to] : [to]);
  const run = operation === 'copy' ? copyState : moveState;
  const result = await run(backend, from, to, { ...change, streams: streamRefs(args) });
  if (result.written.length === 0)
    throw new CliError(
      `No state to ${operation}: source "${from.sourceName}"${where(from)} has none.`,
      EXIT.notFound,
    );
  if (ctx.json) {
    const side = (o: typeof from) => ({ ...o, destinationName: o.destinationName ?? null });
    return ctx.printJson({ from: side(from), to: side(to), ...result });
  }
  ctx.print(
    `${operation === 'copy' ? 'Copied' : 'Moved'} the state of ${plural(result.written.length, 'stream')} from source "${from.sourceName}"${where(from)} to source "${to.sourceName}"${where(to)}:`,
  );
  for (const v of result.written)
    ctx.print(`  ${streamText(v.streamName, v.namespace)}  (version ${v.version})`);
  if (result.fencedConnections.length > 0)
    ctx.print(`Fenced off the runs of connection ${result.fencedConnections.join(', ')}.`);
}
