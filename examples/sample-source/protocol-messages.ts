/**
 * The Airbyte protocol messages a source emits, besides state (whose types live in
 * src/protocol). Only the fields this source writes are typed; like the state types, every
 * object may carry more, as the protocol allows.
 */
import type { AirbyteStateMessage, JsonObject } from '../../src/protocol';
import type { ConnectorSpecification } from './config';

/** The sync modes of a stream and of a configured stream. */
export type SyncMode = 'full_refresh' | 'incremental';

/** One stream as `discover` describes it. */
export interface AirbyteStream {
  name: string;
  json_schema: JsonObject;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  namespace?: string | null;
  [extra: string]: unknown;
}

/** The result of `discover`. */
export interface AirbyteCatalog {
  streams: AirbyteStream[];
}

/** One stream chosen for a `read`, with how to read it. */
export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode?: string;
  cursor_field?: string[];
  primary_key?: string[][];
  [extra: string]: unknown;
}

/** The `--catalog` of a `read`: the streams to read. */
export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

/** One record of one stream. */
export interface AirbyteRecordMessage {
  type: 'RECORD';
  record: { stream: string; data: JsonObject; emitted_at: number; namespace?: string };
}

/** A checkpoint: everything before it may be committed. */
export interface AirbyteStateEnvelope {
  type: 'STATE';
  state: AirbyteStateMessage;
}

/** A log line. */
export interface AirbyteLogMessage {
  type: 'LOG';
  log: { level: 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE'; message: string };
}

/** The answer to `spec`. */
export interface AirbyteSpecMessage {
  type: 'SPEC';
  spec: ConnectorSpecification;
}

/** The answer to `check`. */
export interface AirbyteConnectionStatusMessage {
  type: 'CONNECTION_STATUS';
  connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string };
}

/** The answer to `discover`. */
export interface AirbyteCatalogMessage {
  type: 'CATALOG';
  catalog: AirbyteCatalog;
}

/** An error trace: why the connector failed, and whether the user's config is to blame. */
export interface AirbyteTraceMessage {
  type: 'TRACE';
  trace: {
    type: 'ERROR';
    emitted_at: number;
    error: {
      message: string;
      internal_message?: string;
      stack_trace?: string;
      failure_type: 'config_error' | 'system_error';
    };
  };
}

/** Any message the sample source writes. */
export type AirbyteMessage =
  | AirbyteRecordMessage
  | AirbyteStateEnvelope
  | AirbyteLogMessage
  | AirbyteSpecMessage
  | AirbyteConnectionStatusMessage
  | AirbyteCatalogMessage
  | AirbyteTraceMessage;
