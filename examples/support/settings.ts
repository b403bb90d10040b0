import { InvalidInputError } from '../../src/errors';
import { type TemporalSettings, temporalSettingsFromEnv } from '../../src/client/temporal-settings';

/** Default task queue of the worker and of the syncs it runs. */
export const DEFAULT_TASK_QUEUE = 'temporal-sync-state';

/** What the worker, the sync command and the demo read from the environment. */
export interface AppSettings {
  /** `DATABASE_URL`: the PostgreSQL of the state and the destination tables. */
  readonly databaseUrl: string | undefined;
  /** `SYNC_TASK_QUEUE`. Default: {@link DEFAULT_TASK_QUEUE}. */
  readonly taskQueue: string;
  /** `SYNC_SCHEMA`: the PostgreSQL schema of the state and stream tables. Default: `public`. */
  readonly schema: string | undefined;
  /**
   * `SYNC_WORKFLOW_BUNDLE`: a prebuilt bundle of the example workflows (`npm run bundle-workflows
   * -- FILE`) that the worker loads instead of bundling at start-up. Default: bundle at start-up.
   */
  readonly workflowBundle: string | undefined;
  /** Temporal's own variables (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, TLS). */
  readonly temporal: TemporalSettings;
}

/** Reads the settings from the environment. */
export function appSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AppSettings {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    taskQueue: env.SYNC_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    schema: env.SYNC_SCHEMA || undefined,
    workflowBundle: env.SYNC_WORKFLOW_BUNDLE || undefined,
    temporal: temporalSettingsFromEnv(),
  };
}

/** The database URL, or a clear error that says how to give one. */
export function requireDatabaseUrl(settings: AppSettings): string {
  if (!settings.databaseUrl) {
    throw new InvalidInputError(
      'DATABASE_URL',
      'a postgres:// URL in the environment (or run `npm run demo`, which starts one)',
      'nothing',
    );
  }
  return settings.databaseUrl;
}

/** The Temporal address, or a clear error that says how to give one. */
export function requireTemporalAddress(settings: AppSettings): string {
  if (!settings.temporal.address) {
    throw new InvalidInputError(
      'TEMPORAL_ADDRESS',
      'host:port of a Temporal server in the environment (or run `npm run demo`, which starts one)',
      'nothing',
    );
  }
  return settings.temporal.address;
}

/** `postgres://user:***@host/db`: a URL safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
