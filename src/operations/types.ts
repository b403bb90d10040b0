/**
 * Shapes of the state operations: plain JSON, so that the CLI's `--json` output is them as
 * they are (and `state set` reads back what `state get --json` printed).
 */
import type { AuthorOptions } from '../backend/state-history';
import type { AirbyteStateMessage } from '../protocol/types';

/** Whose state: a source, optionally as acknowledged by a destination, under a table prefix. */
export interface StateOwnerRef {
  /** The source (connector) name. */
  readonly sourceName: string;
  /** The destination; absent or `null`: the cache state table. */
  readonly destinationName?: string | null;
  /** Table prefix of the state rows. Default: the backend's. */
  readonly tablePrefix?: string;
}

/** The state of one owner, as `getState` returns it and `setState` accepts it. */
export interface StateDocument {
  readonly sourceName: string;
  readonly destinationName: string | null;
  readonly tablePrefix: string;
  /** Every state message (STREAM, GLOBAL, LEGACY): what a connector's `--state` file holds. */
  readonly messages: AirbyteStateMessage[];
}

/** Options of every operation that changes state. */
export interface StateChangeOptions extends AuthorOptions {
  /**
   * Fence off the runs of the connections whose state this changes, in the same transaction:
   * their epoch is raised, so a run that started before the change fails at its next commit
   * instead of writing its older state over the change. Default: `true`.
   */
  readonly fence?: boolean;
  /** More connections to fence, e.g. those of syncs found running. Default: none. */
  readonly connectionIds?: readonly string[];
}

/** A version an operation wrote. */
export interface WrittenVersion {
  readonly streamName: string;
  readonly namespace: string | null;
  /** Its number in the history. */
  readonly version: number;
}

/** What an operation that changes state did. */
export interface StateChangeResult {
  /** The connections it fenced off (see {@link StateChangeOptions.fence}). */
  readonly fencedConnections: string[];
}
