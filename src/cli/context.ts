import type { Readable, Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { SqlStateBackend } from '../backend/sql-state-backend';
import { temporalSettingsFromEnv, type TemporalSettings } from '../client/temporal-settings';
import { stringifyExactJson } from '../protocol/exact-json';
import { type CommandArgs, stringOption } from './args';
import { CliError, EXIT } from './errors';

/** How long the CLI waits for Temporal before it calls it unreachable. */
export const TEMPORAL_CONNECT_TIMEOUT = '5 seconds';

/** The process's streams and environment, so that tests can run the CLI in-process too. */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
}

/** Temporal as the CLI sees it: not configured, unreachable, or a client. */
export type TemporalAccess =
  | { readonly kind: 'unconfigured' }
  | { readonly kind: 'unreachable'; readonly address: string; readonly reason: string }
  | { readonly kind: 'connected'; readonly address: string; readonly client: Client };

/** What a command works with: output, the database and Temporal, opened on first use. */
export class CliContext {
  /** `--json`: print JSON on stdout. */
  readonly json: boolean;
  private backendPromise: Promise<SqlStateBackend> | undefined;
  private temporalPromise: Promise<TemporalAccess> | undefined;

  constructor(
    readonly io: CliIo,
    private readonly args: CommandArgs,
  ) {
    this.json = args.values.json === true;
  }

  /** Prints a line on stdout. */
  print(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Prints `value` as JSON on stdout; a BigInt (an integer beyond 2^53 in state) as its digits. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${stringifyExactJson(value, 2)}\n`);
  }

  /** Prints a warning on stderr (also with --json, whose stdout stays clean). */
  warn(text: string): void {
    this.io.stderr.write(`warning: ${text}\n`);
  }

  /** The state backend on `--database-url` or `DATABASE_URL` (migrated on open). */
  backend(): Promise<SqlStateBackend> {
    this.backendPromise ??= this.openBackend();
    return this.backendPromise;
  }

  /** Temporal, from its environment settings and `--temporal-address`/`--temporal-namespace`. */
  temporal(): Promise<TemporalAccess> {
    this.temporalPromise ??= this.connectTemporal();
    return this.temporalPromise;
  }

  /** Closes what was opened. */
  async close(): Promise<void> {
    const backend = await this.backendPromise?.catch(() => undefined);
    await backend?.close();
    const temporal = await this.temporalPromise?.catch(() => undefined);
    if (temporal?.kind === 'connected') await temporal.client.connection.close();
  }

  private async openBackend(): Promise<SqlStateBackend> {
    const url = stringOption(this.args, 'database-url') ?? this.io.env.DATABASE_URL;
    if (!url)
      throw new CliError(
        'No database: pass --database-url postgres://USER:PASSWORD@HOST:PORT/DATABASE or set DATABASE_URL.',
        EXIT.usage,
      );
    try {
      return await SqlStateBackend.connect({
        url,
        schema: stringOption(this.args, 'schema') ?? (this.io.env.SYNC_SCHEMA || undefined),
        poolSize: 2,
      });
    } catch (error) {
      if (error instanceof CliError || (error as { type?: unknown }).type === 'InvalidInput')
        throw error;
      throw new CliError(
        `Cannot use the database at ${redact(url)}: ${(error as Error).message}`,
        EXIT.failure,
      );
    }
  }

  private async connectTemporal(): Promise<TemporalAccess> {
    const settings = this.temporalSettings();
    const address = settings.address;
    if (!address) return { kind: 'unconfigured' };
    const { tls, apiKey, metadata } = settings.connectionOptions;
    try {
      const connection = await Connection.connect({
        address,
        tls,
        apiKey,
        metadata,
        connectTimeout: TEMPORAL_CONNECT_TIMEOUT,
      });
      return {
        kind: 'connected',
        address,
        client: new Client({ connection, namespace: settings.namespace }),
      };
    } catch (error) {
      return { kind: 'unreachable', address, reason: (error as Error).message };
    }
  }

  private temporalSettings(): TemporalSettings {
    let settings: TemporalSettings;
    try {
      settings = temporalSettingsFromEnv();
    } catch (error) {
      throw new CliError((error as Error).message, EXIT.usage);
    }
    const address = stringOption(this.args, 'temporal-address') ?? settings.address;
    return {
      address,
      namespace: stringOption(this.args, 'temporal-namespace') ?? settings.namespace,
      connectionOptions: { ...settings.connectionOptions, address },
    };
  }
}

/** A URL with its password hidden. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given URL';
  }
}
