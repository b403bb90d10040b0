import type { AirbyteStateMessage } from '../protocol/types';
import type { CheckpointEntry } from '../activity-bodies/types';
import type { ConnectorCommits } from './sync-types';

/**
 * Gathers commits and sends them on at most once per interval, as one report of what changed
 * since the last one (the newest checkpoint of each stream, the newest state of each). Sends run
 * one at a time; a failed send is logged by the caller's `send` and its commits go with the next.
 */
export class ProgressReporter {
  private readonly checkpoints = new Map<string, CheckpointEntry>();
  private readonly messages = new Map<string, AirbyteStateMessage>();
  private epoch = 0;
  private lastSent = Number.NEGATIVE_INFINITY;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (commits: ConnectorCommits) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds a commit and sends the gathered report if the interval has passed. */
  async add(commits: ConnectorCommits): Promise<void> {
    this.epoch = Math.max(this.epoch, commits.epoch);
    for (const entry of commits.checkpoints)
      this.checkpoints.set(JSON.stringify([entry.namespace ?? '', entry.name]), entry);
    for (const message of commits.messages) this.messages.set(messageKey(message), message);
    await this.sendIfDue();
  }

  /** Sends what is gathered if the interval has passed since the last send. */
  sendIfDue(): Promise<void> {
    if (this.checkpoints.size === 0 && this.messages.size === 0) return this.sending;
    if (this.now() - this.lastSent < this.intervalMs) return this.sending;
    const report: ConnectorCommits = {
      epoch: this.epoch,
      checkpoints: [...this.checkpoints.values()],
      messages: [...this.messages.values()],
    };
    this.checkpoints.clear();
    this.messages.clear();
    this.lastSent = this.now();
    this.sending = this.sending.then(() => this.send(report));
    return this.sending;
  }
}

function messageKey(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM' && message.stream)
    return JSON.stringify([
      message.stream.stream_descriptor.namespace ?? '',
      message.stream.stream_descriptor.name,
    ]);
  return message.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY';
}
