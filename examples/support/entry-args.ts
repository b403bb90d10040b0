import { parseArgs } from 'node:util';
import { CliError, EXIT } from '../../src/cli/errors';

/** One option of an npm entry (`npm run demo|worker|sync`), with its help. */
export interface EntryOption {
  readonly type: 'string' | 'boolean';
  /** Placeholder of the value in the help, e.g. `N`. */
  readonly value?: string;
  /** One line, with the default. */
  readonly help: string;
}

/** An npm entry's command line: its name, what it does, its options. */
export interface EntrySpec {
  /** As typed, e.g. `npm run demo`. */
  readonly command: string;
  /** A paragraph for `--help`. */
  readonly description: string;
  readonly options: Readonly<Record<string, EntryOption>>;
  /** Extra lines after the options (environment, examples). Default: none. */
  readonly epilog?: readonly string[];
}

/** The parsed options of an entry; `help` is true for `--help` / `-h`. */
export interface EntryArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly help: boolean;
}

/**
 * Parses `argv` strictly: an unknown option, a missing value or a stray argument is a usage
 * error (exit 2) that names it and points to `--help`, never a silent default run.
 */
export function parseEntryArgs(spec: EntrySpec, argv: readonly string[]): EntryArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(Object.entries(spec.options).map(([n, o]) => [n, { type: o.type }])),
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) return { values, help: true };
    if (positionals.length > 0) throw new Error(`Unexpected argument "${positionals[0]}"`);
    return { values, help: false };
  } catch (error) {
    const reason = (error as Error).message.replace(/\. To specify a positional.*$/s, '');
    throw new CliError(`${reason}. See: ${spec.command} -- --help`, EXIT.usage);
  }
}

/** The `--help` text of an entry. */
export function entryHelp(spec: EntrySpec): string {
  const rows = [
    ...Object.entries(spec.options).map(([name, o]) => [
      `--${name}${o.value ? ` ${o.value}` : ''}`,
      o.help,
    ]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([flag]) => (flag ?? '').length));
  return [
    `Usage: ${spec.command} [-- options]`,
    '',
    spec.description,
    '',
    'Options:',
    ...rows.map(([flag, help]) => `  ${(flag ?? '').padEnd(width)}  ${help}`),
    ...(spec.epilog ? ['', ...spec.epilog] : []),
    '',
    'Errors are one line on stderr. Exit codes: 0 done, 1 failed, 2 bad usage or settings.',
  ].join('\n');
}

/** A whole-number option of at least `min`, or `fallback` when absent; a usage error otherwise. */
export function wholeNumberOption(
  args: EntryArgs,
  name: string,
  fallback: number,
  min = 1,
): number {
  const text = args.values[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (
    typeof text !== 'string' ||
    !/^\d+$/.test(text) ||
    !Number.isSafeInteger(value) ||
    value < min
  )
    throw new CliError(
      `--${name} expects a whole number of at least ${min}, got "${String(text)}".`,
      EXIT.usage,
    );
  return value;
}

/** A string option's value, or `undefined`. */
export function stringOption(args: EntryArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}
