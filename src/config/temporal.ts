import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { InvalidInputError } from '../errors';

/** Default Temporal namespace. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Where Temporal is, from Temporal's own conventions: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
 * `TEMPORAL_API_KEY` (which turns TLS on, as for Temporal Cloud), `TEMPORAL_TLS*`,
 * `TEMPORAL_PROFILE` and the `temporal.toml` config file, read by `@temporalio/envconfig`.
 */
export interface TemporalSettings {
  /** `host:port`; `undefined` when nothing configures one. */
  readonly address: string | undefined;
  /** Default: `'default'`. */
  readonly namespace: string;
  /** Connection options (address, TLS, API key) for a client or a worker. */
  readonly connectionOptions: NativeConnectionOptions;
}

/**
 * Reads the Temporal settings from the environment (and `temporal.toml`, if any). A config file
 * that cannot be read throws `InvalidInputError` naming it (the SDK's own message for an empty
 * file is "Cannot read properties of undefined").
 */
export function temporalSettingsFromEnv(): TemporalSettings {
  let config: ReturnType<typeof loadClientConnectConfig>;
  try {
    config = loadClientConnectConfig();
  } catch (error) {
    const file = process.env.TEMPORAL_CONFIG_FILE;
    throw new InvalidInputError(
      `Temporal config file (${file ? `TEMPORAL_CONFIG_FILE=${file}` : 'temporalio/temporal.toml in your config directory'})`,
      'TOML of [profile.<name>] tables, or no file',
      error instanceof TypeError ? 'a file without profiles' : (error as Error).message,
    );
  }
  return {
    address: config.connectionOptions.address,
    namespace: config.namespace ?? DEFAULT_NAMESPACE,
    connectionOptions: config.connectionOptions,
  };
}

/** A Temporal client for the settings; close it with `client.connection.close()`. */
export async function connectClient(settings: TemporalSettings): Promise<Client> {
  const { address, tls, apiKey, metadata } = settings.connectionOptions;
  const connection = await Connection.connect({ address, tls, apiKey, metadata });
  return new Client({ connection, namespace: settings.namespace });
}

/** A worker connection for the settings; close it with `connection.close()`. */
export function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(settings.connectionOptions);
}
