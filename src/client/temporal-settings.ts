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
 * Reads the Temporal settings from the environment (and `temporal.toml`, if any). Settings that
 * cannot be read (a broken or empty config file, a missing profile or TLS file) throw
 * `InvalidInputError` with the SDK's reason.
 */
export function temporalSettingsFromEnv(): TemporalSettings {
  let config: ReturnType<typeof loadClientConnectConfig>;
  try {
    config = loadClientConnectConfig();
  } catch (error) {
    const file = process.env.TEMPORAL_CONFIG_FILE;
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(
      `Temporal settings (TEMPORAL_* variables, ${file ? `TEMPORAL_CONFIG_FILE=${file}` : 'temporalio/temporal.toml in your config directory'})`,
      'a temporal.toml of [profile.<name>] tables (or none), the profile TEMPORAL_PROFILE names, and readable TLS files',
      // The SDK's own words for an empty config file are "Cannot read properties of undefined".
      error instanceof TypeError ? `a config file without profiles (${message})` : message,
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
  const connection = await Connection.connect({ address, tls, apiKey, metadata }).catch(
    (error: unknown) => rethrowNamed(error, address),
  );
  return new Client({ connection, namespace: settings.namespace });
}

/** A worker connection for the settings; close it with `connection.close()`. */
export function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(settings.connectionOptions).catch((error: unknown) =>
    rethrowNamed(error, settings.connectionOptions.address),
  );
}

/**
 * The SDK's connection errors ("Failed to connect before the deadline") do not say where it
 * tried: throws the same error, its message prefixed with the address.
 */
function rethrowNamed(error: unknown, address: string | undefined): never {
  if (error instanceof Error && address && !error.message.includes(address))
    error.message = `Cannot connect to Temporal at ${address}: ${error.message}`;
  throw error;
}
