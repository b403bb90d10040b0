import { isIP } from 'node:net';
import { InvalidInputError } from '../../src/errors';
import { type TemporalSettings, temporalSettingsFromEnv } from '../../src/client/temporal-settings';
import type { SyncMetricLabel } from '../../src/metrics/sync-metrics';

/** Default task queue of the worker and of the syncs it runs. */
export const DEFAULT_TASK_QUEUE = 'temporal-sync-state';

/** Where `npm run worker` serves Prometheus metrics when `SYNC_METRICS_ADDRESS` is not set. */
export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9464';

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
  /**
   * `SYNC_METRICS_ADDRESS`: `IP:PORT` where the worker serves Prometheus metrics (`/metrics`), or
   * `off`. Default: unset (`npm run worker` then serves {@link DEFAULT_METRICS_ADDRESS}).
   */
  readonly metricsAddress: string | undefined;
  /** `SYNC_METRICS_LABELS`: `connection`, `stream` or both, comma-separated. Default: none. */
  readonly metricsLabels: readonly SyncMetricLabel[];
}

/** Reads the settings from the environment. */
export function appSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AppSettings {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    taskQueue: env.SYNC_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    schema: env.SYNC_SCHEMA || undefined,
    workflowBundle: env.SYNC_WORKFLOW_BUNDLE || undefined,
    temporal: temporalSettingsFromEnv(),
    metricsAddress: env.SYNC_METRICS_ADDRESS || undefined,
    metricsLabels: metricsLabels(env.SYNC_METRICS_LABELS ?? '', 'SYNC_METRICS_LABELS'),
  };
}

/** `connection,stream` as labels; `source` names the setting in the error. */
export function metricsLabels(text: string, source: string): SyncMetricLabel[] {
  const labels = text
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  const wrong = labels.find((l) => l !== 'connection' && l !== 'stream');
  if (wrong !== undefined)
    throw new InvalidInputError(source, 'connection, stream or both, comma-separated', `"${text}"`);
  return labels as SyncMetricLabel[];
}

/** `IP:PORT` checked (the exporter takes an IP address, not a host name), or `undefined` for `off`. */
export function checkMetricsAddress(text: string, source: string): string | undefined {
  if (text === 'off') return undefined;
  const match = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || !isIP(match[1] ?? '') || port < 1 || port > 65535)
    throw new InvalidInputError(
      source,
      'IP:PORT to serve Prometheus metrics on (e.g. 0.0.0.0:9464, 127.0.0.1:9464), or off',
      `"${text}"`,
    );
  return text;
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
