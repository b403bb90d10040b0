/**
 * The command line of the sample source, speaking the Airbyte protocol: `spec`, `check`,
 * `discover` and `read`, one JSON message per line on stdout. Kept apart from bin/ so that
 * tests and other entry points can run it against any stream.
 */
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { InvalidInputError, SyncStateError } from '../../src/errors';
import { parseStateInputFileText } from '../../src/protocol';
import { discover } from './catalog';
import { resolveConfig, spec } from './config';
import { MessageWriter } from './message-writer';
import type { AirbyteMessage, AirbyteTraceMessage } from './protocol-messages';
import { iterateMessages } from './read-messages';

/** How to call the CLI, for usage errors. */
export const USAGE =
  'spec | check --config FILE | discover --config FILE | read --config FILE --catalog FILE [--state FILE]';

/**
 * Runs one command with `args` (without the node and script paths), writing messages to `out`.
 * Resolves to the exit code: 0, or 1 after a TRACE error message (bad input or a failure).
 * `check` follows the protocol: a bad config is a FAILED connection status, exit code 0.
 */
export async function runCli(args: readonly string[], out: Writable): Promise<number> {
  const writer = new MessageWriter(out);
  try {
    await runCommand(args, writer);
  } catch (error) {
    await writer.write(traceMessage(error));
    await writer.flush();
    return 1;
  }
  await writer.flush();
  // A reader that went away mid-read (EPIPE) did not get everything: that is a failed read.
  return writer.error ? 1 : 0;
}

async function runCommand(args: readonly string[], writer: MessageWriter): Promise<void> {
  const { command, flags } = parseCommandLine(args);
  const send = (message: AirbyteMessage): Promise<void> | undefined => writer.write(message);
  switch (command) {
    case 'spec':
      await send({ type: 'SPEC', spec: spec() });
      return;
    case 'check':
      try {
        resolveConfig(await readJsonFile(flags.config, '--config'));
        await send({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
      } catch (error) {
        if (!(error instanceof SyncStateError)) throw error;
        await send({
          type: 'CONNECTION_STATUS',
          connectionStatus: { status: 'FAILED', message: error.message },
        });
      }
      return;
    case 'discover':
      // The protocol passes a config to discover; a wrong one is reported even though the catalog is fixed.
      resolveConfig(await readJsonFile(flags.config, '--config'));
      await send({ type: 'CATALOG', catalog: discover() });
      return;
    case 'read': {
      const config = await readJsonFile(flags.config, '--config');
      const catalog = await readJsonFile(flags.catalog, '--catalog');
      const state =
        flags.state === undefined
          ? undefined
          : parseStateFile(await readText(flags.state, '--state'));
      // Validates all input before the first line, so bad input yields a TRACE and no records.
      const messages = iterateMessages(config, catalog, state);
      const started = Date.now();
      let records = 0;
      await send({
        type: 'LOG',
        log: {
          level: 'INFO',
          message: `Starting read (${state?.length ?? 0} input state messages).`,
        },
      });
      for (const message of messages) {
        if (message.type === 'RECORD') records++;
        const full = writer.write(message);
        if (full) await full;
        if (writer.error) return;
      }
      const seconds = (Date.now() - started) / 1000;
      await send({
        type: 'LOG',
        log: { level: 'INFO', message: `Read ${records} records in ${seconds.toFixed(3)} s.` },
      });
      return;
    }
  }
}

type Command = 'spec' | 'check' | 'discover' | 'read';
const COMMANDS: readonly string[] = ['spec', 'check', 'discover', 'read'];

function parseCommandLine(args: readonly string[]): {
  command: Command;
  flags: { config?: string; catalog?: string; state?: string };
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string' },
        catalog: { type: 'string' },
        state: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new InvalidInputError('command line', USAGE, (error as Error).message);
  }
  const [command, ...rest] = parsed.positionals;
  if (command === undefined || !COMMANDS.includes(command) || rest.length > 0) {
    throw new InvalidInputError('command line', USAGE, JSON.stringify(args.join(' ')));
  }
  return { command: command as Command, flags: parsed.values };
}

async function readText(file: string | undefined, flag: string): Promise<string> {
  if (file === undefined) throw new InvalidInputError(flag, 'a file path', 'nothing');
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      flag,
      'a readable file',
      `${JSON.stringify(file)} (${(error as Error).message})`,
    );
  }
}

async function readJsonFile(file: string | undefined, flag: string): Promise<unknown> {
  const text = await readText(file, flag);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(
      flag,
      'a file of JSON',
      `text that is not JSON (${(error as Error).message})`,
    );
  }
}

/** An empty file, `null`, `{}` or `[]` mean no state (platforms write each of them for a first sync). */
function parseStateFile(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'null' || /^\{\s*\}$/.test(trimmed)) return [];
  return parseStateInputFileText(text);
}

/** The TRACE error message for a failed command; input errors are the config's fault, others the system's. */
function traceMessage(error: unknown): AirbyteTraceMessage {
  const isInput = error instanceof SyncStateError && !error.retryable;
  const message = error instanceof Error ? error.message : String(error);
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message,
        internal_message: error instanceof Error ? error.name : typeof error,
        ...(isInput || !(error instanceof Error) || error.stack === undefined
          ? {}
          : { stack_trace: error.stack }),
        failure_type: isInput ? 'config_error' : 'system_error',
      },
    },
  };
}
