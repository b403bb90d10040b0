/**
 * The metrics of the commit step, as they reach the worker Runtime's exporter (Prometheus or
 * OpenTelemetry) next to the SDK's own `temporal_*` metrics. Core adds no prefix to them.
 */

/** One metric: its name, kind, unit and the help text exporters show. */
export interface SyncMetricSpec {
  readonly name: string;
  readonly kind: 'counter' | 'histogram' | 'gauge';
  readonly unit: string;
  readonly description: string;
}

/** Records written by commits that committed (0 for a commit found already committed). */
export const RECORDS_COMMITTED: SyncMetricSpec = {
  name: 'sync_state_records_committed',
  kind: 'counter',
  unit: 'records',
  description:
    'Records written by commits that committed: each retried or re-read record counts again, as in recordsCommitted',
};

/** Commit steps that committed (records, state and checkpoints in one transaction). */
export const COMMITS: SyncMetricSpec = {
  name: 'sync_state_commits',
  kind: 'counter',
  unit: 'commits',
  description: 'Commits that committed (records, state and checkpoints in one transaction)',
};

/** Commits whose checkpoint had committed before (a retry after a lost answer): nothing changed. */
export const COMMITS_ALREADY_COMMITTED: SyncMetricSpec = {
  name: 'sync_state_commits_already_committed',
  kind: 'counter',
  unit: 'commits',
  description: 'Commits found already committed (a retried activity): nothing was written',
};

/** Commits refused as stale: an older epoch (a fenced run) or an older checkpoint. */
export const COMMITS_STALE: SyncMetricSpec = {
  name: 'sync_state_commits_stale',
  kind: 'counter',
  unit: 'commits',
  description: 'Commits refused as stale (StaleCheckpoint: a fenced run or an older checkpoint)',
};

/** Duration of the commit step, in milliseconds as Temporal's own latencies. */
export const COMMIT_LATENCY: SyncMetricSpec = {
  name: 'sync_state_commit_latency',
  kind: 'histogram',
  unit: 'ms',
  description:
    'Duration of the commit transaction, in milliseconds (committed or already committed)',
};

/** Bytes of state JSON written by commits. */
export const STATE_BYTES_WRITTEN: SyncMetricSpec = {
  name: 'sync_state_state_bytes_written',
  kind: 'counter',
  unit: 'bytes',
  description: 'Bytes of state JSON written by commits (UTF-8)',
};

/** Seconds since the last commit of each series (a stream, with the `stream` label): the lag. */
export const SECONDS_SINCE_LAST_COMMIT: SyncMetricSpec = {
  name: 'sync_state_seconds_since_last_commit',
  kind: 'gauge',
  unit: 's',
  description:
    'Seconds since the last commit that this worker made (per stream with the stream label), refreshed every second',
};

/** Every metric, in the order the documentation lists them. */
export const SYNC_METRICS: readonly SyncMetricSpec[] = [
  RECORDS_COMMITTED,
  COMMITS,
  COMMITS_ALREADY_COMMITTED,
  COMMITS_STALE,
  COMMIT_LATENCY,
  STATE_BYTES_WRITTEN,
  SECONDS_SINCE_LAST_COMMIT,
];

/**
 * Histogram buckets for {@link COMMIT_LATENCY}, in ms: a commit takes from about a millisecond
 * (state only) to seconds (a large batch), finer than Core's default latency buckets (50 ms and
 * up). Pass them in the Runtime's `histogramBucketOverrides`, as `npm run worker` does.
 */
export const COMMIT_LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
];
