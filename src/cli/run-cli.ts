import { type CommandSpec, commandHelp, EXIT_CODES_HELP, parseCommandArgs } from './command';
import { stateClear } from './commands/state-clear';
import { stateCopy, stateMove } from './commands/state-copy';
import { stateGet } from './commands/state-get';
import { stateHistory } from './commands/state-history';
import { stateList } from './commands/state-list';
import { stateRollback } from './commands/state-rollback';
import { stateSet } from './commands/state-set';
import { syncRefresh } from './commands/sync-refresh';
import { syncStatus } from './commands/sync-status';
import { CliContext, type CliIo } from './context';
import { CliError, errorLine, EXIT, exitCodeOf } from './errors';

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  stateList,
  stateGet,
  stateSet,
  stateClear,
  stateCopy,
  stateMove,
  stateHistory,
  stateRollback,
  syncStatus,
  syncRefresh,
];

/**
 * Runs the `temporal-sync-state` command line `args` (without node and the script) and resolves
 * to its exit code. Errors are printed as one line on stderr, never as a stack trace.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [group, name, ...rest] = args;
  const wantsHelp = (a: string | undefined) =>
    a === undefined || a === '--help' || a === '-h' || a === 'help';
  if (wantsHelp(group) || (group !== 'state' && group !== 'sync' && wantsHelp(name))) {
    io.stdout.write(`${mainHelp()}\n`);
    return group === undefined ? EXIT.usage : EXIT.ok;
  }
  const spec = COMMANDS.find((c) => c.name === `${group} ${name}`);
  if (!spec) {
    if ((group === 'state' || group === 'sync') && wantsHelp(name)) {
      io.stdout.write(`${mainHelp(group)}\n`);
      return EXIT.ok;
    }
    io.stderr.write(
      `${errorLine(new CliError(`Unknown command "${[group, name].filter(Boolean).join(' ')}". See: temporal-sync-state --help`, EXIT.usage))}\n`,
    );
    return EXIT.usage;
  }
  let ctx: CliContext | undefined;
  try {
    const parsed = parseCommandArgs(spec, rest);
    if (parsed.values.help) {
      io.stdout.write(`${commandHelp(spec)}\n`);
      return EXIT.ok;
    }
    ctx = new CliContext(io, parsed);
    const code = await spec.run(ctx, parsed);
    return code ?? EXIT.ok;
  } catch (error) {
    io.stderr.write(`${errorLine(error)}\n`);
    return exitCodeOf(error);
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}

/** The help of the whole CLI, or of one group of commands. */
function mainHelp(group?: 'state' | 'sync'): string {
  const shown = COMMANDS.filter((c) => group === undefined || c.name.startsWith(`${group} `));
  const width = Math.max(...shown.map((c) => c.name.length));
  return [
    'Usage: temporal-sync-state <command> [arguments] [options]',
    '',
    'Inspect and fix the sync state that temporal-sync-state (and PyAirbyte) keep in PostgreSQL.',
    'Commands that change state first ask Temporal whether a sync of that state is running.',
    '',
    'Commands:',
    ...shown.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help, --json, --database-url URL (default: $DATABASE_URL) and the',
    'Temporal settings of TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,',
    'TEMPORAL_PROFILE and temporal.toml (or --temporal-address, --temporal-namespace).',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}
