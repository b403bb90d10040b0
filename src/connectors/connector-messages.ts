/**
 * The Airbyte protocol messages a source writes on stdout, one JSON object a line, as the runner
 * hands them on. Only the fields we use are typed; every message keeps its other fields.
 */
import type { AirbyteStateMessage, JsonObject } from '../protocol/types';

/** One record. `line` is the connector's own text, so that values reach the database exactly. */
export interface RecordMessage {
  readonly type: 'RECORD';
  readonly record: {
    readonly stream: string;
    readonly namespace?: string | null;
    readonly data: JsonObject;
    /** Milliseconds since the epoch. */
    readonly emitted_at?: number;
  };
  readonly line: string;
}

/** A checkpoint: every record before it may be committed with it. */
export interface StateEnvelope {
  readonly type: 'STATE';
  readonly state: AirbyteStateMessage;
  readonly line: string;
}

/** A log line of the connector. */
export interface LogMessage {
  readonly type: 'LOG';
  readonly log: { readonly level: string; readonly message: string; readonly stack_trace?: string };
}

/** The details of a TRACE of type ERROR. */
export interface TraceError {
  readonly message?: string;
  readonly internal_message?: string;
  readonly stack_trace?: string;
  /** `config_error` (the user's config is to blame), `system_error`, `transient_error`. */
  readonly failure_type?: string;
}

/** A trace: an error, a stream status, an estimate or analytics. */
export interface TraceMessage {
  readonly type: 'TRACE';
  readonly trace: {
    readonly type: string;
    readonly error?: TraceError;
    readonly stream_status?: {
      readonly stream_descriptor?: { readonly name?: string };
      readonly status?: string;
    };
    readonly estimate?: JsonObject;
    readonly [extra: string]: unknown;
  };
}

/** A request from the connector to the platform, e.g. to persist a refreshed config. */
export interface ControlMessage {
  readonly type: 'CONTROL';
  readonly control: { readonly type?: string; readonly [extra: string]: unknown };
}

/** One stream as `discover` describes it. */
export interface AirbyteStream {
  readonly name: string;
  readonly namespace?: string | null;
  readonly json_schema: JsonObject;
  readonly supported_sync_modes?: readonly string[];
  readonly source_defined_cursor?: boolean;
  readonly default_cursor_field?: readonly string[];
  readonly source_defined_primary_key?: readonly (readonly string[])[];
  readonly [extra: string]: unknown;
}

/** The result of `discover`. */
export interface AirbyteCatalog {
  readonly streams: readonly AirbyteStream[];
}

/** One stream chosen for a `read`, and how to read it. */
export interface ConfiguredAirbyteStream {
  readonly stream: AirbyteStream;
  readonly sync_mode: 'full_refresh' | 'incremental';
  readonly destination_sync_mode: 'append' | 'overwrite' | 'append_dedup';
  readonly cursor_field?: readonly string[];
  readonly primary_key?: readonly (readonly string[])[];
  /** The generation of the records this read writes (protocol 0.9; sources ignore it). */
  readonly generation_id?: number;
  /** The lowest generation the destination keeps once the read completes (0: all). */
  readonly minimum_generation_id?: number;
  /** The sync's number among the connection's syncs. */
  readonly sync_id?: number;
}

/** The `--catalog` of a `read`. */
export interface ConfiguredAirbyteCatalog {
  readonly streams: readonly ConfiguredAirbyteStream[];
}

/** The answers to `spec`, `check` and `discover`. */
export interface SpecMessage {
  readonly type: 'SPEC';
  readonly spec: JsonObject;
}
export interface ConnectionStatusMessage {
  readonly type: 'CONNECTION_STATUS';
  readonly connectionStatus: { readonly status: string; readonly message?: string };
}
export interface CatalogMessage {
  readonly type: 'CATALOG';
  readonly catalog: AirbyteCatalog;
}

/** Any message the runner understands; others keep their type and fields as they are. */
export type ConnectorMessage =
  | RecordMessage
  | StateEnvelope
  | LogMessage
  | TraceMessage
  | ControlMessage
  | SpecMessage
  | ConnectionStatusMessage
  | CatalogMessage;
