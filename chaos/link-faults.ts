/**
 * The faults of the network scenarios on a worker's links, with their evidence: each cut and
 * heal goes to `partitions.jsonl`; while a link is cut the monitor does not hold the server's
 * connection count against the pool; before a worker's link to PostgreSQL heals, a release mark
 * is taken (held-back commits land after it: zombie-check.ts); after each heal the checker
 * waits until no worker holds more connections than its pool (connection-check.ts).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForConnectionsToSettle } from './connection-check';
import type { ChaosNetwork, CutKind, WorkerLink } from './hosts/network';
import type { ScenarioContext } from './scenario';
import type { SyncRun } from './sync-run';

/** Cuts and heals of one scenario's worker links. */
export class LinkFaults {
  /** Links cut so far. */
  partitions = 0;
  /** Longest time the connections took to settle after a heal, in ms. */
  slowestSettleMs = 0;
  readonly network: ChaosNetwork;

  constructor(
    private readonly ctx: ScenarioContext,
    private readonly run: SyncRun,
    /** How long after a heal the workers may still hold more connections than their pool. */
    private readonly settleWithinMs: number,
  ) {
    if (!ctx.network) throw new Error(`${run.appName} runs on separate hosts: no network lab`);
    this.network = ctx.network;
  }

  /** Cuts a worker's link. */
  async cut(worker: string, link: WorkerLink, kind: CutKind): Promise<void> {
    this.run.linksCut++;
    this.partitions++;
    await this.network.cut(worker, link, kind);
    this.record({ e: 'cut', worker, link, kind });
  }

  /** Heals a worker's link, then waits until the connections settle (a problem if they do not). */
  async heal(worker: string, link: WorkerLink): Promise<void> {
    if (link === 'postgres') await this.run.markRelease(worker);
    await this.network.heal(worker, link);
    this.record({ e: 'heal', worker, link });
    this.run.linksCut--;
    await this.settle(`${worker}'s link to ${link} healed`);
  }

  /** Waits until every worker holds at most its pool; records a problem if that takes too long. */
  async settle(after: string): Promise<void> {
    const result = await waitForConnectionsToSettle(
      this.ctx.databaseUrl,
      this.run.appName,
      this.run.poolSize,
      this.settleWithinMs,
    );
    this.slowestSettleMs = Math.max(this.slowestSettleMs, result.ms);
    this.record({ e: 'settled', after, ...result });
    if (!result.settled)
      this.run.problems.push(
        `${this.settleWithinMs} ms after ${after}, workers still held more connections than their pool of ${this.run.poolSize}: ${JSON.stringify(result.held)}`,
      );
  }

  /** Appends one line of evidence. */
  record(event: Record<string, unknown>): void {
    appendFileSync(
      join(this.ctx.dir, 'partitions.jsonl'),
      `${JSON.stringify({ t: Date.now(), ...event })}\n`,
    );
  }
}
