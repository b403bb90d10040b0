import { listStates } from '../../operations/list-states';
import { type CommandSpec, stringOption } from '../command';
import { orDash, streamText, table } from '../format';

/** `state list`: one row per source, destination and stream. */
export const stateList: CommandSpec = {
  name: 'state list',
  synopsis: '[--source NAME] [--destination NAME | --cache] [--json]',
  summary: 'one row per source/destination/stream, with last update and size',
  description:
    'Lists the stored state: one row per source, destination (- for the cache state), table prefix and stream, with the time of its last write and its size in bytes. The state itself: state get.',
  positionals: [],
  options: {
    source: { type: 'string', value: 'NAME', help: 'only this source' },
    destination: { type: 'string', value: 'NAME', help: 'only the state of this destination' },
    cache: { type: 'boolean', help: 'only the cache state (no destination)' },
  },
  async run(ctx, args) {
    const backend = await ctx.backend();
    const entries = await listStates(backend, {
      sourceName: stringOption(args, 'source'),
      destinationName: args.values.cache === true ? null : stringOption(args, 'destination'),
    });
    if (ctx.json) return ctx.printJson(entries);
    if (entries.length === 0) return ctx.print('No state stored.');
    ctx.print(
      table(
        ['SOURCE', 'DESTINATION', 'PREFIX', 'STREAM', 'LAST UPDATED', 'BYTES'],
        entries.map((e) => [
          e.sourceName,
          orDash(e.destinationName),
          e.tablePrefix === null ? '?' : orDash(e.tablePrefix),
          streamText(e.streamName, e.namespace),
          orDash(e.lastUpdated),
          String(e.bytes),
        ]),
      ),
    );
  },
};
