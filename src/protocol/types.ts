/**
 * Types of the Airbyte protocol's state message, as connectors emit it and as PyAirbyte
 * stores it. Field names are the protocol's own (snake_case inside, camelCase stats).
 * Every object may carry extra keys (the platform adds e.g. `id`); they are kept as they are.
 */

/**
 * A JSON value. An integer beyond ±(2^53 − 1), which a number would round, is a `bigint`: stored
 * state is read that way (see `parseExactJson`), and never crosses to a workflow (JSON numbers).
 */
export type JsonValue =
  string | number | bigint | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** The three kinds of state message; an absent type means LEGACY. */
export type AirbyteStateType = 'STREAM' | 'GLOBAL' | 'LEGACY';

/** Names one stream; `namespace` is absent or null for streams without one. */
export interface StreamDescriptor {
  name: string;
  namespace?: string | null;
  [extra: string]: JsonValue | undefined;
}

/** The state of one stream. */
export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: JsonObject | null;
  [extra: string]: JsonValue | StreamDescriptor | undefined;
}

/** Shared (e.g. CDC) state plus the per-stream states of a GLOBAL message. */
export interface AirbyteGlobalState {
  stream_states: AirbyteStreamState[];
  shared_state?: JsonObject | null;
  [extra: string]: JsonValue | AirbyteStreamState[] | undefined;
}

/** Record counts a source or destination attaches to a state message. */
export interface AirbyteStateStats {
  recordCount?: number | null;
  [extra: string]: JsonValue | undefined;
}

/** One Airbyte state message. */
export interface AirbyteStateMessage {
  type?: AirbyteStateType | null;
  stream?: AirbyteStreamState | null;
  global?: AirbyteGlobalState | null;
  /** The LEGACY blob. */
  data?: JsonObject | null;
  sourceStats?: AirbyteStateStats | null;
  destinationStats?: AirbyteStateStats | null;
  [extra: string]: unknown;
}

/** Row key under which PyAirbyte stores GLOBAL state. */
export const GLOBAL_STATE_STREAM_NAME = '_GLOBAL';
/** Row key under which PyAirbyte stores LEGACY state. */
export const LEGACY_STATE_STREAM_NAME = '_LEGACY';
/** The row keys that are not real streams. */
export const GLOBAL_STATE_STREAM_NAMES: readonly string[] = [
  GLOBAL_STATE_STREAM_NAME,
  LEGACY_STATE_STREAM_NAME,
];
