import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidStateMessageError, InvalidInputError } from '../../errors';
import { parseStateInput } from '../../operations/state-input';
import { setState } from '../../operations/set-state';
import { isPlainObject } from '../../protocol/validate';
import { type CommandSpec, stringOption } from '../command';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { plural, streamText, table } from '../format';
import { where } from './state-get';
import { CHANGE_OPTIONS, type CliOwner, guardedChange, ownerOf, OWNER_OPTIONS } from './shared';

/** `state set`: write state from a file. */
export const stateSet: CommandSpec = {
  name: 'state set',
  synopsis: 'SOURCE --input-file FILE|- [--destination NAME] [--table-prefix PREFIX] [--force]',
  summary: 'write state from a connector --state file or state get --json output',
  description:
    "Writes the state messages of FILE (- for stdin) for SOURCE, all in one transaction: a connector's --state file (a JSON array of state messages), the output of state get --json, or one message. The output of state get --json names its destination and table prefix: they are used unless --destination or --table-prefix is given. Each replaces the state of its stream; other streams keep theirs (state clear removes one). Validated like any write: one bad message and nothing is written. Refused while a sync of this state runs.",
  positionals: ['SOURCE'],
  options: {
    'input-file': {
      type: 'string',
      value: 'FILE',
      help: 'the state to write, - for stdin (required)',
    },
    ...OWNER_OPTIONS,
    ...CHANGE_OPTIONS,
  },
  async run(ctx, args) {
    const file = stringOption(args, 'input-file');
    if (file === undefined)
      throw new CliError('state set needs --input-file FILE (or - for stdin).', EXIT.usage);
    // `npm run cli` runs in the package's folder; a relative path means the caller's folder.
    const text = await readInput(resolve(ctx.io.env.INIT_CWD ?? '', file), ctx.io.stdin, file);
    const from = documentOwner(text);
    const named = ownerOf(args, args.positionals[0] ?? '');
    // `get --json` output round-trips: its destination and prefix, unless the options say others.
    const owner: CliOwner = {
      sourceName: named.sourceName,
      destinationName:
        args.values.destination === undefined && typeof from?.destinationName === 'string'
          ? from.destinationName
          : named.destinationName,
      tablePrefix:
        args.values['table-prefix'] === undefined && typeof from?.tablePrefix === 'string'
          ? from.tablePrefix
          : named.tablePrefix,
    };
    const backend = await ctx.backend();
    let messages;
    try {
      messages = parseStateInput(text, { maxBytes: backend.maxStateBytes });
    } catch (error) {
      if (error instanceof InvalidStateMessageError || error instanceof InvalidInputError)
        throw new CliError(`${label(file)}: ${error.message} Nothing was written.`, EXIT.usage);
      throw error;
    }
    if (from) warnOnOtherOwner(ctx, from, owner);
    const change = await guardedChange(ctx, args, [owner]);
    const result = await setState(backend, owner, messages, change);
    if (ctx.json)
      return ctx.printJson({ ...owner, destinationName: owner.destinationName ?? null, ...result });
    ctx.print(
      `Wrote the state of ${plural(result.written.length, 'stream')} of source "${owner.sourceName}"${where(owner)}:`,
    );
    ctx.print(
      table(
        ['STREAM', 'VERSION'],
        result.written.map((v) => [streamText(v.streamName, v.namespace), String(v.version)]),
      ),
    );
    if (result.fencedConnections.length > 0)
      ctx.print(`Fenced off the runs of connection ${result.fencedConnections.join(', ')}.`);
  },
};

/** The text of `file`, or of stdin for `-`. */
export async function readInput(path: string, stdin: Readable, file = path): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'a directory'
          : (error as Error).message;
    throw new CliError(`Cannot read ${file}: ${why}. Nothing was written.`, EXIT.usage);
  }
}

function label(file: string): string {
  return file === '-' ? 'stdin' : file;
}

/** Whose state a `state get --json` document says it is; `undefined` for other inputs. */
function documentOwner(
  text: string,
): { sourceName: unknown; destinationName: unknown; tablePrefix: unknown } | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(document) || !Array.isArray(document.messages)) return undefined;
  return {
    sourceName: document.sourceName,
    destinationName: document.destinationName ?? undefined,
    tablePrefix: document.tablePrefix ?? '',
  };
}

/**
 * Writing a `state get --json` document as another owner's state is allowed (that is how state
 * moves by hand) but worth a warning, e.g. when the source name was mistyped.
 */
function warnOnOtherOwner(
  ctx: CliContext,
  from: { sourceName: unknown; destinationName: unknown; tablePrefix: unknown },
  owner: CliOwner,
): void {
  if (
    from.sourceName === owner.sourceName &&
    from.destinationName === owner.destinationName &&
    from.tablePrefix === owner.tablePrefix
  )
    return;
  const describe = (o: {
    sourceName?: unknown;
    destinationName?: unknown;
    tablePrefix?: unknown;
  }) =>
    `source ${JSON.stringify(o.sourceName)}, ${o.destinationName === undefined ? 'cache' : `destination ${JSON.stringify(o.destinationName)}`}, table prefix ${JSON.stringify(o.tablePrefix)}`;
  ctx.warn(
    `the input is the state of ${describe(from)}; writing it as the state of ${describe(owner)}.`,
  );
}
