import { SyncStateError } from '../errors';

/**
 * Why a connector run failed, as the `ApplicationFailure` type a workflow sees:
 * - `ConnectorNotAllowed`: the worker's allowlist has no such connector (nothing was run);
 * - `ConnectorNotFound`: the executable does not exist or cannot run, or the Docker engine is absent;
 * - `ConnectorConfigError`: the connector blames its config (a TRACE error of type `config_error`,
 *   or a failed `check`);
 * - `ConnectorFailed`: it exited non-zero or reported a TRACE error (retryable: it may be transient);
 * - `ConnectorProtocolError`: its output breaks the Airbyte protocol (or cannot be stored exactly);
 * - `DestinationWriteError`: a record does not fit its destination table;
 * - `RecordCountMismatch`: a STATE's `sourceStats.recordCount` differs from the records that arrived.
 */
export type ConnectorErrorType =
  | 'ConnectorNotAllowed'
  | 'ConnectorNotFound'
  | 'ConnectorConfigError'
  | 'ConnectorFailed'
  | 'ConnectorProtocolError'
  | 'DestinationWriteError'
  | 'RecordCountMismatch';

/** Thrown when running a connector fails; the message carries the connector's own error text. */
export class ConnectorError extends SyncStateError {
  constructor(
    /** Stable kind of failure (see {@link ConnectorErrorType}). */
    readonly type: ConnectorErrorType,
    message: string,
    /** Whether another attempt may succeed; only `ConnectorFailed` may. */
    readonly retryable = false,
  ) {
    super(message);
  }
}
