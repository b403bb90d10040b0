/**
 * The monitor: a loop that reads the state table, the checkpoints and the fencing epochs of the
 * scenario's connections throughout the sync, on its own connection, and records every time
 * one of them moved backwards (none may). It also counts the workers' connections in
 * pg_stat_activity, and survives the database going away (it reconnects).
 */
import { Client } from 'pg';

/** What the monitor watches. */
export interface MonitorTarget {
  readonly url: string;
  readonly sourceName: string;
  /** Destination tables whose state rows to read (`tablePrefix + stream`), per connection. */
  readonly stateTables: readonly string[];
  readonly connectionIds: readonly string[];
  /** `application_name` prefix of the workers' connections. */
  readonly appName: string;
  /** Time between two reads. Default: 100 ms. */
  readonly intervalMs?: number;
  /**
   * Whether connections count towards `maxConnections` now: false while a worker link is cut,
   * when the server still holds sessions the worker has given up on (the check after the heal
   * covers those). Default: always.
   */
  readonly countConnections?: () => boolean;
}

/** What the monitor saw. */
export interface MonitorResult {
  /** Reads that succeeded. */
  readonly samples: number;
  /** Reads that failed (the database was down). */
  readonly failedReads: number;
  /** Times a cursor, a checkpoint or an epoch was seen to change (forwards or backwards). */
  readonly moves: number;
  /** Every backwards move seen: must be empty. */
  readonly backwards: readonly string[];
  /** Most connections one worker held at once, by `application_name`. */
  readonly maxConnections: Readonly<Record<string, number>>;
}

/** Reads the state throughout a scenario; {@link StateMonitor.stop} returns what it saw. */
export class StateMonitor {
  private samples = 0;
  private failedReads = 0;
  private moves = 0;
  private readonly backwards: string[] = [];
  private readonly last = new Map<string, number>();
  private readonly maxConnections: Record<string, number> = {};
  private client: Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly target: MonitorTarget) {}

  /** Starts reading. */
  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Reads once more, stops, and returns what it saw. */
  async stop(): Promise<MonitorResult> {
    this.running = false;
    await this.loop;
    await this.read().catch(() => this.failedReads++);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
    return {
      samples: this.samples,
      failedReads: this.failedReads,
      moves: this.moves,
      backwards: [...this.backwards],
      maxConnections: { ...this.maxConnections },
    };
  }

  /** Batches committed so far by the watched connections (the sum of their checkpoints). */
  committedBatches(connectionId?: string): number {
    let sum = 0;
    for (const [key, value] of this.last)
      if (key.startsWith(connectionId ? `checkpoint ${connectionId}/` : 'checkpoint '))
        sum += value;
    return sum;
  }

  /** The last checkpoint seen for a connection's stream (0 before any). */
  checkpoint(connectionId: string, stream: string): number {
    return this.last.get(`checkpoint ${connectionId}/${stream}`) ?? 0;
  }

  /** The last epoch seen for a connection (0 before any). */
  epoch(connectionId: string): number {
    return this.last.get(`epoch ${connectionId}`) ?? 0;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.read();
      } catch {
        this.failedReads++;
        await this.client?.end().catch(() => undefined);
        this.client = undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, this.target.intervalMs ?? 100));
    }
  }

  private async read(): Promise<void> {
    if (!this.client) {
      const client = new Client({
        connectionString: this.target.url,
        connectionTimeoutMillis: 2000,
      });
      client.on('error', () => undefined); // a dropped connection: the next read reconnects
      await client.connect();
      this.client = client;
    }
    const { rows } = await this.client.query<{ kind: string; key: string; value: string }>(
      `select 'cursor' as kind, table_name as key,
              (state_json::jsonb -> 'stream' -> 'stream_state' ->> 'updated_at') as value
         from _airbyte_state where source_name = $1 and table_name = any($2)
       union all
       select 'checkpoint', connection_id || '/' || stream_name, checkpoint::text
         from _sync_state_checkpoints where connection_id = any($3)
       union all
       select 'epoch', connection_id, epoch::text from _sync_state_connections where connection_id = any($3)
       union all
       select 'connections', application_name, count(*)::text from pg_stat_activity
        where starts_with(application_name, $4) group by application_name`,
      [
        this.target.sourceName,
        this.target.stateTables,
        this.target.connectionIds,
        this.target.appName,
      ],
    );
    this.samples++;
    for (const row of rows) {
      if (row.kind === 'connections') {
        if (this.target.countConnections?.() === false) continue;
        this.maxConnections[row.key] = Math.max(
          this.maxConnections[row.key] ?? 0,
          Number(row.value),
        );
        continue;
      }
      if (row.value === null) continue;
      const value = row.kind === 'cursor' ? Date.parse(row.value) : Number(row.value);
      const key = `${row.kind} ${row.key}`;
      const before = this.last.get(key);
      if (before !== undefined && value !== before) {
        this.moves++;
        if (value < before) {
          const show = (v: number) => (row.kind === 'cursor' ? new Date(v).toISOString() : v);
          this.backwards.push(`${key} moved backwards from ${show(before)} to ${show(value)}`);
        }
      }
      if (before === undefined || value > before) this.last.set(key, value);
    }
  }
}
