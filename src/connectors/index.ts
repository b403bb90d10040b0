/** Running Airbyte source connectors and syncing them into PostgreSQL, committing at each STATE. */
export { AirbyteConnector, DEFAULT_COMMAND_TIMEOUT_MS } from './airbyte-connector';
export type { AirbyteConnectorOptions, CommandOptions, ReadInput } from './airbyte-connector';
export { ConnectorError } from './connector-error';
export type { ConnectorErrorType } from './connector-error';
export { checkConnectorSpec, connectorName } from './connector-spec';
export type { ConnectorSpec, DockerConnectorSpec, LocalConnectorSpec } from './connector-spec';
export { ConnectorAllowlist } from './connector-allowlist';
export type { ConnectorRef } from './connector-allowlist';
export {
  CONNECTOR_BASE_ENV,
  CONNECTOR_BASE_ENV_PREFIXES,
  connectorEnv,
  DOCKER_CLI_ENV_PREFIXES,
} from './connector-env';
export {
  buildConnectorCommand,
  CONNECTOR_HOME_DIR,
  CONTAINER_FILES_DIR,
} from './connector-command';
export type { ConnectorCommand, ConnectorVerb } from './connector-command';
export { ensureDockerEngine } from './docker-engine';
export type { ConnectorLogger } from './connector-logger';
export type * from './connector-messages';
export { configureCatalog, toConfiguredCatalog } from './configured-catalog';
export type { ConfiguredStream, StreamSelection } from './configured-catalog';
export { columnType, destinationColumns, normalizeName } from './destination-columns';
export type { ColumnType, DestinationColumn } from './destination-columns';
export { planDestinationTables } from './destination-table';
export type { DestinationTable } from './destination-table';
export { resolveWriteMethod } from './write-strategy';
export type { WriteMethod, WriteStrategy } from './write-strategy';
export { syncConnector } from './sync-connector';
export { REFRESH_MODES, refreshStreams } from './refresh-streams';
export type { RefreshedStream, RefreshStreamsInput, RefreshStreamsResult } from './refresh-streams';
export type { RefreshMode } from '../backend/stream-generations';
export type { ConnectorSyncContext } from './sync-connector';
export type * from './sync-types';
