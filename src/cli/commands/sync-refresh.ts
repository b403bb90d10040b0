import { refreshStreams } from '../../connectors/refresh-streams';
import type { CommandSpec } from '../command';
import { listOption, stringOption } from '../command';
import { CliError, EXIT } from '../errors';
import { streamText, table } from '../format';

/** `sync refresh`: start a new generation of streams of a connector connection. */
export const syncRefresh: CommandSpec = {
  name: 'sync refresh',
  synopsis: 'CONNECTION --stream NAME [--stream NAME ...] [--namespace NS] --mode remove|retain',
  summary: 'refresh streams of a connector connection: read them again from scratch',
  description:
    'Starts a new generation of the --stream streams of CONNECTION (a connectorSyncWorkflow connection). The next attempt of a sync of the connection clears their state (the history keeps it: state rollback restores it) and reads them from scratch. --mode remove: the table keeps its rows until that read completes, then holds only the new generation; --mode retain: the new rows join the old ones. A sync that is running applies it at its next attempt.',
  positionals: ['CONNECTION'],
  options: {
    stream: { type: 'string', multiple: true, value: 'NAME', help: 'a stream; repeat for more' },
    namespace: {
      type: 'string',
      value: 'NS',
      help: 'namespace of the --stream names (default: none)',
    },
    mode: { type: 'string', value: 'MODE', help: 'remove or retain the older generations' },
  },
  async run(ctx, args) {
    const names = listOption(args, 'stream');
    if (names.length === 0)
      throw new CliError('sync refresh needs at least one --stream NAME.', EXIT.usage);
    const namespace = stringOption(args, 'namespace');
    const backend = await ctx.backend();
    const result = await refreshStreams(backend, {
      connectionId: args.positionals[0],
      streams: names.map((name) => ({ name, namespace: namespace || null })),
      mode: stringOption(args, 'mode'),
    });
    if (ctx.json) return ctx.printJson(result);
    ctx.print(
      `Refresh requested for connection "${result.connectionId}" (its next sync attempt reads these from scratch):`,
    );
    ctx.print(
      table(
        ['STREAM', 'GENERATION', 'MINIMUM GENERATION', 'MODE'],
        result.streams.map((s) => [
          streamText(s.name, s.namespace),
          String(s.generationId),
          String(s.minimumGenerationId),
          s.mode,
        ]),
      ),
    );
  },
};
