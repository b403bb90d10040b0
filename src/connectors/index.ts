/**
 * `temporal-sync-state/connectors`: running Airbyte source connectors and syncing them into
 * PostgreSQL, committing at each STATE through the same commit step as every sync. Most users
 * need only the activities (`createConnectorActivities` in `temporal-sync-state/activities`) and
 * `connectorSyncWorkflow`; these are the pieces behind them.
 */
export { AirbyteConnector, DEFAULT_COMMAND_TIMEOUT_MS } from './airbyte-connector';
export type { AirbyteConnectorOptions, CommandOptions, ReadInput } from './airbyte-connector';
export { ConnectorAllowlist } from './connector-allowlist';
export type { ConnectorRef } from './connector-allowlist';
export { ConnectorError } from './connector-error';
export type { ConnectorErrorType } from './connector-error';
export type { ConnectorLogger } from './connector-logger';
export type {
  AirbyteCatalog,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
} from './connector-messages';
export type { ConnectorSpec, DockerConnectorSpec, LocalConnectorSpec } from './connector-spec';
export type { StreamSelection } from './configured-catalog';
export { syncConnector } from './sync-connector';
export { REFRESH_MODES, refreshStreams } from './refresh-streams';
export type { RefreshedStream, RefreshStreamsInput, RefreshStreamsResult } from './refresh-streams';
export type { RefreshMode } from '../backend/stream-generations';
export type { ConnectorSyncContext } from './sync-connector';
export type {
  ConnectorCommits,
  ConnectorDestination,
  ConnectorStreamRun,
  SyncConnectorActivityInput,
  SyncConnectorInput,
  SyncConnectorResult,
} from './sync-types';
export type { WriteMethod, WriteStrategy } from './write-strategy';
