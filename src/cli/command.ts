import { parseArgs } from 'node:util';
import type { CliContext } from './context';
import type { CommandArgs } from './args';
import { CliError, EXIT } from './errors';

export { type CommandArgs, listOption, stringOption } from './args';

/** One option of a command, with its help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** Placeholder of the value in the help, e.g. `NAME`. */
  readonly value?: string;
  readonly help: string;
}

/** One CLI command: its usage, help and body. */
export interface CommandSpec {
  /** E.g. `state list`. */
  readonly name: string;
  /** Arguments after the name, as the usage line shows them. */
  readonly synopsis: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs for `--help`. */
  readonly description: string;
  /** Names of the required positional arguments, in order. */
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Runs the command; returns the exit code (default 0). */
  run(ctx: CliContext, args: CommandArgs): Promise<number | void>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'database-url': {
    type: 'string',
    value: 'URL',
    help: 'PostgreSQL URL of the state tables (default: $DATABASE_URL)',
  },
  schema: {
    type: 'string',
    value: 'NAME',
    help: 'schema of the state tables (default: $SYNC_SCHEMA, or public)',
  },
  'temporal-address': {
    type: 'string',
    value: 'HOST:PORT',
    help: 'Temporal frontend (default: $TEMPORAL_ADDRESS, or the temporal.toml profile)',
  },
  'temporal-namespace': {
    type: 'string',
    value: 'NAME',
    help: 'Temporal namespace (default: $TEMPORAL_NAMESPACE, or default)',
  },
  json: { type: 'boolean', help: 'print JSON for scripts instead of tables' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** Parses the arguments of `spec` (after its name); throws a usage {@link CliError}. */
export function parseCommandArgs(spec: CommandSpec, args: readonly string[]): CommandArgs {
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          {
            type: o.type,
            ...(o.multiple ? { multiple: true } : {}),
            ...(o.short ? { short: o.short } : {}),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(
      `${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}. See: temporal-sync-state ${spec.name} --help`,
      EXIT.usage,
    );
  }
  const values = parsed.values as CommandArgs['values'];
  if (values.help) return { values, positionals: parsed.positionals };
  if (parsed.positionals.length !== spec.positionals.length) {
    const expected = spec.positionals.length === 0 ? 'no arguments' : spec.positionals.join(' ');
    throw new CliError(
      `${spec.name} takes ${expected}, got ${parsed.positionals.length === 0 ? 'none' : JSON.stringify(parsed.positionals.join(' '))}. Usage: temporal-sync-state ${spec.name} ${spec.synopsis}`,
      EXIT.usage,
    );
  }
  return { values, positionals: parsed.positionals };
}

/** The `--help` text of a command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [
    `Usage: temporal-sync-state ${spec.name} ${spec.synopsis}`,
    '',
    spec.description,
    '',
  ];
  const describe = (options: Readonly<Record<string, OptionSpec>>) => {
    const rows = Object.entries(options).map(([name, o]) => [
      `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}${o.multiple ? ' ...' : ''}`,
      o.help,
    ]);
    const width = Math.max(...rows.map(([flag]) => (flag ?? '').length));
    return rows.map(([flag, help]) => `  ${(flag ?? '').padEnd(width)}  ${help}`);
  };
  if (Object.keys(spec.options).length > 0) lines.push('Options:', ...describe(spec.options), '');
  lines.push('Common options:', ...describe(GLOBAL_OPTIONS), '', EXIT_CODES_HELP);
  return lines.join('\n');
}

/** The exit codes, as the help states them. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 done; 1 failed (database, Temporal, unexpected); 2 bad usage or input, nothing ' +
  'changed; 3 not found; 4 refused (a sync of the connection is running, or Temporal cannot be ' +
  'asked; see --force).';
