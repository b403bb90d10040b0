import { getState } from '../../operations/get-state';
import { stringifyExactJson } from '../../protocol/exact-json';
import type { AirbyteStateMessage } from '../../protocol/types';
import type { CommandSpec } from '../command';
import { CliError, EXIT } from '../errors';
import { table } from '../format';
import { otherOwnersHint } from './other-owners';
import { ownerOf, OWNER_OPTIONS, STREAM_OPTIONS, streamRefs } from './shared';

/** `state get`: the stored state of a source. */
export const stateGet: CommandSpec = {
  name: 'state get',
  synopsis: 'SOURCE [--destination NAME] [--table-prefix PREFIX] [--stream NAME ...] [--json]',
  summary: 'the stored state of a source; --json output is accepted as is by state set',
  description:
    'Prints the stored state of SOURCE: per stream, its state. With --json, the whole state messages ({ sourceName, destinationName, tablePrefix, messages }), which state set accepts back as it is (edit it, then state set SOURCE --input-file FILE).',
  positionals: ['SOURCE'],
  options: { ...OWNER_OPTIONS, ...STREAM_OPTIONS },
  async run(ctx, args) {
    const owner = ownerOf(args, args.positionals[0] ?? '');
    const backend = await ctx.backend();
    const document = await getState(backend, owner, { streams: streamRefs(args) });
    if (document.messages.length === 0) {
      throw new CliError(
        `No state stored for source "${owner.sourceName}"${where(owner)}.${await otherOwnersHint(backend, owner)}`,
        EXIT.notFound,
      );
    }
    if (ctx.json) return ctx.printJson(document);
    ctx.print(
      table(
        ['STREAM', 'STATE'],
        document.messages.map((m) => [streamOf(m), stateOf(m)]),
      ),
    );
  },
};

/** ` at destination "d"`, ` (table prefix "p_")`: where the state was looked for. */
export function where(owner: { destinationName?: string | null; tablePrefix: string }): string {
  let text = owner.destinationName ? ` at destination "${owner.destinationName}"` : '';
  if (owner.tablePrefix) text += ` with table prefix "${owner.tablePrefix}"`;
  return text;
}

function streamOf(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM' && message.stream) {
    const { name, namespace } = message.stream.stream_descriptor;
    return namespace ? `${namespace}.${name}` : name;
  }
  return message.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY';
}

/** The state part of a message, exact: an integer beyond 2^53 keeps its digits. */
function stateOf(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM') return stringifyExactJson(message.stream?.stream_state ?? null);
  return stringifyExactJson(message.type === 'GLOBAL' ? message.global : message.data);
}
