import type { AirbyteStateMessage } from '../protocol/types';
import { ConnectorError } from './connector-error';

/** What the scope of a STATE (its stream, or every stream for GLOBAL) got since its previous STATE. */
export interface ScopeCounts {
  /** RECORDs the connector sent. */
  readonly received: number;
  /** Those written to a destination table (records of streams not selected are not). */
  readonly written: number;
  /** The STATE's `sourceStats.recordCount`, when it has one. */
  readonly expected: number | undefined;
}

/** How many STATE messages carried a record count that was checked, and how many carried none. */
export interface RecordCountChecks {
  readonly verified: number;
  readonly unverified: number;
}

/**
 * Counts a connector's RECORDs per stream between STATE messages and checks each STATE's
 * `sourceStats.recordCount` against them, as Airbyte's platform does: a STREAM state counts the
 * records of its stream since that stream's previous STATE; a GLOBAL (or LEGACY) state counts
 * every record since the previous STATE of any kind. A connector or pipe that lost records then
 * fails the sync instead of committing a state past records that never arrived.
 */
export class RecordCounts {
  private readonly received = new Map<string, number>();
  private readonly written = new Map<string, number>();
  private verified = 0;
  private unverified = 0;

  /** Counts one RECORD of the stream `key`; `written` when it goes to a destination table. */
  add(key: string, written: boolean): void {
    this.received.set(key, (this.received.get(key) ?? 0) + 1);
    if (written) this.written.set(key, (this.written.get(key) ?? 0) + 1);
  }

  /**
   * Closes the scope of `state` (of the stream `key`, unused for GLOBAL and LEGACY): returns its
   * counts and starts them again from zero. Throws a non-retryable `RecordCountMismatch` when the
   * STATE says another number of records than arrived; the counts are then left as they were.
   */
  close(state: AirbyteStateMessage, key: string): ScopeCounts {
    const perStream = state.type === 'STREAM';
    const keys = perStream ? [key] : [...this.received.keys()];
    const sum = (counts: Map<string, number>) =>
      keys.reduce((total, k) => total + (counts.get(k) ?? 0), 0);
    const received = sum(this.received);
    const written = sum(this.written);
    const count = state.sourceStats?.recordCount;
    const expected = typeof count === 'number' ? count : undefined;
    if (expected !== undefined && expected !== received) {
      const scope = perStream
        ? `stream "${state.stream?.stream_descriptor.name ?? key}": its STATE says ${expected} records since that stream's previous STATE`
        : `${state.type === 'GLOBAL' ? 'GLOBAL' : 'LEGACY'} state: it says ${expected} records since the previous STATE, of all streams`;
      throw new ConnectorError(
        'RecordCountMismatch',
        `Record count mismatch for ${scope} (sourceStats.recordCount), but ${received} arrived. ` +
          'Records were lost between the connector and the destination, so this checkpoint was not committed (the earlier ones stand) and the sync fails.',
      );
    }
    if (expected === undefined) this.unverified++;
    else this.verified++;
    for (const k of keys) {
      this.received.delete(k);
      this.written.delete(k);
    }
    return { received, written, expected };
  }

  /** The STATE messages checked so far. */
  get checks(): RecordCountChecks {
    return { verified: this.verified, unverified: this.unverified };
  }
}
