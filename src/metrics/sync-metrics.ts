import { asyncLocalStorage } from '@temporalio/activity';
import {
  type MetricCounter,
  type MetricGauge,
  type MetricHistogram,
  type MetricMeter,
  type MetricTags,
  noopMetricMeter,
} from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { CommitObserver, CommitOutcome, CommitPlan } from '../backend/commit/types';
import { describeValue, InvalidInputError } from '../errors';
import { CommitLag, DEFAULT_LAG_REFRESH_MS } from './commit-lag';
import {
  COMMIT_LATENCY,
  COMMITS,
  COMMITS_ALREADY_COMMITTED,
  COMMITS_STALE,
  RECORDS_COMMITTED,
  SECONDS_SINCE_LAST_COMMIT,
  STATE_BYTES_WRITTEN,
} from './metric-names';

/** A label whose values are the user's names, so as many as they have: added only on request. */
export type SyncMetricLabel = 'connection' | 'stream';

/** Options of {@link SyncMetrics}. */
export interface SyncMetricsOptions {
  /**
   * Where the metrics go. Default: inside a Temporal activity, the worker Runtime's meter, so
   * that they leave by whatever the Runtime exports (Prometheus, OpenTelemetry) next to the SDK's
   * own metrics; outside an activity (the CLI, a library call), nowhere.
   */
  readonly meter?: MetricMeter;
  /**
   * Labels with unbounded values, added only when listed here: `connection` (the connection id,
   * on every metric) and `stream` (`namespace.name`, on records committed and the lag). Default:
   * none, so that the number of series does not grow with connections and streams.
   */
  readonly labels?: readonly SyncMetricLabel[];
  /** How often the lag gauge is refreshed, in ms. Default: 1000 ({@link DEFAULT_LAG_REFRESH_MS}). */
  readonly lagRefreshMs?: number;
}

interface Instruments {
  readonly records: MetricCounter;
  readonly commits: MetricCounter;
  readonly already: MetricCounter;
  readonly stale: MetricCounter;
  readonly latency: MetricHistogram;
  readonly bytes: MetricCounter;
  readonly lag: MetricGauge;
}

const LABELS: readonly SyncMetricLabel[] = ['connection', 'stream'];

/**
 * The commit step's metrics (see metric-names.ts): records committed, commits, commits found
 * already committed, stale commits refused, commit latency, state bytes written, and the seconds
 * since the last commit. Every backend counts its commits with one (its `metrics` option); the
 * instruments are made once per meter, so a commit costs a handful of counter adds.
 */
export class SyncMetrics implements CommitObserver {
  private readonly connectionLabel: boolean;
  private readonly streamLabel: boolean;
  private readonly lag: CommitLag;
  private made: { readonly meter: MetricMeter; readonly instruments: Instruments } | undefined;

  constructor(private readonly options: SyncMetricsOptions = {}) {
    const labels: unknown = options.labels ?? [];
    if (!Array.isArray(labels) || labels.some((l: unknown) => !LABELS.some((k) => k === l)))
      throw new InvalidInputError(
        'metrics labels',
        `a list of ${LABELS.map((l) => `"${l}"`).join(', ')}`,
        describeValue(labels),
      );
    const refresh = options.lagRefreshMs ?? DEFAULT_LAG_REFRESH_MS;
    if (!Number.isSafeInteger(refresh) || refresh < 10)
      throw new InvalidInputError(
        'lagRefreshMs',
        'a whole number of ms, at least 10',
        describeValue(refresh),
      );
    this.connectionLabel = (labels as unknown[]).includes('connection');
    this.streamLabel = (labels as unknown[]).includes('stream');
    this.lag = new CommitLag(refresh);
  }

  /** Counts a commit that committed, or found itself committed before. */
  committed(plan: CommitPlan, outcome: CommitOutcome, ms: number): void {
    const at = this.instruments();
    if (!at) return;
    const { activity, place } = contextTags();
    const connection = plan.fence.connectionId;
    const tags = this.withConnection(activity, connection);
    at.latency.record(ms, tags);
    if (outcome.status === 'alreadyCommitted') return at.already.add(1, tags);
    at.commits.add(1, tags);
    let bytes = 0;
    for (const message of plan.state?.messages ?? []) bytes += Buffer.byteLength(message.json);
    at.bytes.add(bytes, tags);
    if (!this.streamLabel) {
      let records = 0;
      for (const checkpoint of outcome.checkpoints) records += checkpoint.rowsWritten;
      at.records.add(records, tags);
      const lagTags = this.withConnection(place, connection);
      return this.lag.committed(at.lag, JSON.stringify(lagTags), lagTags);
    }
    for (const { key, rowsWritten } of outcome.checkpoints) {
      const stream = key.namespace ? `${key.namespace}.${key.streamName}` : key.streamName;
      at.records.add(rowsWritten, { ...tags, stream });
      const lagTags = { ...this.withConnection(place, connection), stream };
      this.lag.committed(at.lag, JSON.stringify(lagTags), lagTags);
    }
  }

  /** Counts a commit refused as stale. */
  refused(plan: CommitPlan): void {
    this.instruments()?.stale.add(
      1,
      this.withConnection(contextTags().activity, plan.fence.connectionId),
    );
  }

  /** Stops refreshing the lag gauge (the backend that made this calls it when it closes). */
  close(): void {
    this.lag.close();
  }

  private withConnection(tags: MetricTags, connectionId: string | undefined): MetricTags {
    return this.connectionLabel && connectionId !== undefined
      ? { ...tags, connection: connectionId }
      : tags;
  }

  /** The instruments on the meter of this call, made once per meter; none when it records nothing. */
  private instruments(): Instruments | undefined {
    const meter =
      this.options.meter ??
      (asyncLocalStorage.getStore() ? Runtime.instance().metricMeter : undefined);
    if (meter === undefined || meter === noopMetricMeter) return undefined;
    if (this.made?.meter !== meter) this.made = { meter, instruments: makeInstruments(meter) };
    return this.made.instruments;
  }
}

const NO_TAGS: MetricTags = {};

/**
 * The labels Temporal's own activity metrics carry, inside an activity: `activity` for the
 * commit counters, `place` (without the activity type) for the lag, which any activity resets.
 */
function contextTags(): { activity: MetricTags; place: MetricTags } {
  const info = asyncLocalStorage.getStore()?.info;
  if (!info) return { activity: NO_TAGS, place: NO_TAGS };
  const place = { namespace: info.namespace, task_queue: info.taskQueue };
  return { activity: { ...place, activity_type: info.activityType }, place };
}

function makeInstruments(meter: MetricMeter): Instruments {
  const counter = (spec: typeof COMMITS) =>
    meter.createCounter(spec.name, spec.unit, spec.description);
  return {
    records: counter(RECORDS_COMMITTED),
    commits: counter(COMMITS),
    already: counter(COMMITS_ALREADY_COMMITTED),
    stale: counter(COMMITS_STALE),
    bytes: counter(STATE_BYTES_WRITTEN),
    latency: meter.createHistogram(
      COMMIT_LATENCY.name,
      'float',
      COMMIT_LATENCY.unit,
      COMMIT_LATENCY.description,
    ),
    lag: meter.createGauge(
      SECONDS_SINCE_LAST_COMMIT.name,
      'float',
      SECONDS_SINCE_LAST_COMMIT.unit,
      SECONDS_SINCE_LAST_COMMIT.description,
    ),
  };
}
