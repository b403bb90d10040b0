import type { StateHistoryEntry } from '../../backend/state-history';
import { type CommandSpec, stringOption } from '../command';
import { CliError, EXIT } from '../errors';
import { orDash, shortJson, streamText, table } from '../format';
import { where } from './state-get';
import { ownerOf, OWNER_OPTIONS } from './shared';

/** Versions `state history` shows unless told otherwise. */
export const DEFAULT_HISTORY_LIMIT = 20;

/** `state history`: the versions of a source's state. */
export const stateHistory: CommandSpec = {
  name: 'state history',
  synopsis: 'SOURCE [--stream NAME [--namespace NS]] [--limit N] [--destination NAME] [--json]',
  summary: 'the versions of the state of a source: who wrote each, when, from which commit',
  description:
    'Prints the versions of the state of SOURCE, newest first: each write, commit, set, copy, move, rollback and clear, with its author (a workflow activity, the CLI, ...), workflow, run, activity attempt, connection and checkpoint, and time (database clock). The history keeps the last 100 versions of each stream (historyRetention). state rollback restores one.',
  positionals: ['SOURCE'],
  options: {
    stream: { type: 'string', value: 'NAME', help: 'only this stream' },
    namespace: { type: 'string', value: 'NS', help: 'namespace of --stream (default: any)' },
    limit: {
      type: 'string',
      value: 'N',
      help: `at most N versions (default: ${DEFAULT_HISTORY_LIMIT}); all: every version kept`,
    },
    ...OWNER_OPTIONS,
  },
  async run(ctx, args) {
    const owner = ownerOf(args, args.positionals[0] ?? '');
    const limitText = stringOption(args, 'limit') ?? String(DEFAULT_HISTORY_LIMIT);
    if (limitText !== 'all' && !/^[1-9]\d{0,8}$/.test(limitText))
      throw new CliError(
        `--limit takes a whole number of at least 1, or all; got "${limitText}".`,
        EXIT.usage,
      );
    const name = stringOption(args, 'stream');
    const namespace = stringOption(args, 'namespace');
    const backend = await ctx.backend();
    const versions = await backend.getStateHistory(owner.sourceName, {
      destinationName: owner.destinationName,
      tablePrefix: owner.tablePrefix,
      stream:
        name === undefined
          ? undefined
          : namespace === undefined
            ? name
            : { name, namespace: namespace || null },
      limit: limitText === 'all' ? undefined : Number(limitText),
    });
    if (versions.length === 0) {
      const stream = name === undefined ? '' : ` of stream "${name}"`;
      throw new CliError(
        `No history${stream} for source "${owner.sourceName}"${where(owner)}.`,
        EXIT.notFound,
      );
    }
    if (ctx.json) return ctx.printJson(versions);
    ctx.print(
      table(
        ['VERSION', 'WRITTEN AT', 'STREAM', 'OPERATION', 'AUTHOR', 'STATE', 'DETAILS'],
        versions.map((v) => [
          String(v.version),
          v.writtenAt,
          streamText(v.streamName, v.namespace),
          v.operation,
          v.author,
          v.message === null ? '(cleared)' : shortJson(stateOf(v), 48),
          details(v),
        ]),
      ),
    );
  },
};

function stateOf(v: StateHistoryEntry): unknown {
  const m = v.message;
  if (m?.type === 'STREAM') return m.stream?.stream_state ?? null;
  return m?.type === 'GLOBAL' ? m.global : m?.data;
}

function details(v: StateHistoryEntry): string {
  const parts: string[] = [];
  if (v.connectionId) parts.push(`connection ${v.connectionId}`);
  if (v.checkpoint !== null) parts.push(`checkpoint ${v.checkpoint}`);
  if (v.workflowId) parts.push(`workflow ${v.workflowId}`);
  if (v.runId) parts.push(`run ${v.runId.slice(0, 8)}`);
  if (v.activityAttempt !== null) parts.push(`attempt ${v.activityAttempt}`);
  if (v.note) parts.push(v.note);
  return orDash(parts.join(', '));
}
