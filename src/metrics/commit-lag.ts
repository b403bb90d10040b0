import type { MetricGauge, MetricTags } from '@temporalio/common';

/** How often the lag gauge is refreshed, in ms. */
export const DEFAULT_LAG_REFRESH_MS = 1000;

/**
 * The time since the last commit of each series (a stream, a connection, or the whole worker,
 * depending on the labels), kept as a gauge. Core's exporters read a gauge's last value and
 * cannot ask JavaScript at scrape time, so a timer sets it again every `refreshMs`; the series
 * are as many as the label values, which the labels' opt-in bounds.
 */
export class CommitLag {
  private readonly series = new Map<string, { gauge: MetricGauge; tags: MetricTags; at: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly refreshMs: number = DEFAULT_LAG_REFRESH_MS) {}

  /** A commit of the series `key` (with `tags`) just ended: its lag is 0 from now. */
  committed(gauge: MetricGauge, key: string, tags: MetricTags): void {
    this.series.set(key, { gauge, tags, at: Date.now() });
    gauge.set(0, tags);
    // Unref'd: the gauge must never keep a worker process alive.
    this.timer ??= setInterval(() => this.refresh(), this.refreshMs).unref();
  }

  /** Sets every series' gauge to the seconds since its last commit. */
  refresh(now: number = Date.now()): void {
    for (const { gauge, tags, at } of this.series.values()) gauge.set((now - at) / 1000, tags);
  }

  /** Stops the refresh; the gauges keep their last value. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
