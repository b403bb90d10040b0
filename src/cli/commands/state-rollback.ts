import { InvalidInputError } from '../../errors';
import { rollbackState } from '../../operations/rollback-state';
import { stringifyExactJson } from '../../protocol/exact-json';
import { type CommandSpec, stringOption } from '../command';
import { CliError, EXIT } from '../errors';
import { streamText } from '../format';
import { where } from './state-get';
import { CHANGE_OPTIONS, guardedChange, ownerOf, OWNER_OPTIONS } from './shared';

/** `state rollback`: make an older version current again. */
export const stateRollback: CommandSpec = {
  name: 'state rollback',
  synopsis:
    'SOURCE --stream NAME --to VERSION|TIME [--namespace NS] [--destination NAME] [--force]',
  summary: 'make an older version of a stream current again (as a new version)',
  description:
    'Restores the state of one stream of SOURCE to an older version from state history: VERSION is its number; TIME (ISO 8601, e.g. 2026-05-01T12:00:00.123Z) picks the version that was current at the end of that millisecond, i.e. the newest version whose WRITTEN AT, as state history prints it (to the millisecond), is at or before TIME. A WRITTEN AT copied from the history therefore selects that version; a time without milliseconds means .000. When several versions were written within the millisecond of TIME, TIME cannot tell them apart and is refused: give the VERSION. The rollback is written as a new version, so it is in the history and can itself be undone. Refused while a sync of this state runs.',
  positionals: ['SOURCE'],
  options: {
    stream: { type: 'string', value: 'NAME', help: 'the stream to roll back (required)' },
    namespace: {
      type: 'string',
      value: 'NS',
      help: 'namespace of --stream (default: its only one)',
    },
    to: {
      type: 'string',
      value: 'VERSION|TIME',
      help: 'the version, or a time to the millisecond, as history prints it (required)',
    },
    ...OWNER_OPTIONS,
    ...CHANGE_OPTIONS,
  },
  async run(ctx, args) {
    const owner = ownerOf(args, args.positionals[0] ?? '');
    const name = stringOption(args, 'stream');
    const toText = stringOption(args, 'to');
    if (name === undefined || toText === undefined)
      throw new CliError('state rollback needs --stream NAME and --to VERSION|TIME.', EXIT.usage);
    const to = parseTarget(toText);
    const namespace = stringOption(args, 'namespace');
    const backend = await ctx.backend();
    const change = await guardedChange(ctx, args, [owner]);
    const result = await rollbackState(backend, owner, {
      ...change,
      stream: namespace === undefined ? name : { name, namespace: namespace || null },
      to,
    }).catch((error: unknown) => {
      // The library names its option `to`; here it is --to.
      if (error instanceof InvalidInputError && error.option === 'to')
        throw new CliError(
          `--to ${toText}: expected ${error.expected}, got ${error.received}.`,
          EXIT.usage,
        );
      throw error;
    });
    if (ctx.json)
      return ctx.printJson({ ...owner, destinationName: owner.destinationName ?? null, ...result });
    const v = result.written;
    const target = typeof to === 'number' ? `version ${to}` : `its version of ${to.toISOString()}`;
    ctx.print(
      `Rolled back stream ${streamText(v.streamName, v.namespace)} of source "${owner.sourceName}"${where(owner)} to ${target}: written as version ${v.version}.`,
    );
    ctx.print(`State: ${stringifyExactJson(v.message?.stream?.stream_state ?? v.message)}`);
    if (result.fencedConnections.length > 0)
      ctx.print(`Fenced off the runs of connection ${result.fencedConnections.join(', ')}.`);
  },
};

/** `--to`: a version number, or an ISO 8601 time. */
function parseTarget(text: string): number | Date {
  if (/^\d+$/.test(text)) return Number(text);
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime()))
    throw new CliError(
      `--to takes a version number or an ISO 8601 time (e.g. 2026-05-01T12:00:00Z); got "${text}".`,
      EXIT.usage,
    );
  return time;
}
