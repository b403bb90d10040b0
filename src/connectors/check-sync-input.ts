import { checkSchema, checkTablePrefix } from '../backend/options';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { describeValue, InvalidInputError } from '../errors';
import type { JsonObject } from '../protocol/types';
import { findJsonProblem, isPlainObject } from '../protocol/validate';
import {
  checkInteger,
  checkObject,
  checkConnectionId,
  checkOptionalName,
} from '../activity-bodies/check-input';
import {
  checkStreamSelections,
  checkWriteStrategy,
  type StreamSelection,
} from './configured-catalog';
import { DEFAULT_MAX_BUFFERED_RECORDS } from './commit-writer';
import { checkConnectorSpec, connectorName, type ConnectorSpec } from './connector-spec';
import type { WriteStrategy } from './write-strategy';

/** A validated `syncConnector` input, with its defaults filled in. */
export interface CheckedSyncInput {
  readonly connectionId: string;
  readonly connector: ConnectorSpec;
  readonly config: JsonObject;
  readonly streams: (string | StreamSelection)[] | undefined;
  readonly sourceName: string;
  readonly destinationName: string | undefined;
  readonly tablePrefix: string;
  readonly schema: string;
  readonly writeStrategy: WriteStrategy;
  readonly syncId: string | undefined;
  readonly progressIntervalMs: number | undefined;
  readonly nonJsonLines: 'log' | 'error';
  readonly maxBufferedRecords: number;
}

/** Checks the input of a connector sync once, at the boundary; throws `InvalidInputError` naming the field. */
export function checkSyncConnectorInput(
  backend: SqlStateBackend,
  input: unknown,
): CheckedSyncInput {
  const value = checkObject('input', input);
  const connectionId = checkConnectionId(value.connectionId);
  const connector = checkConnectorSpec(value.connector);
  if (!isPlainObject(value.config))
    throw new InvalidInputError(
      'config',
      "the connector's config, a JSON object",
      describeValue(value.config),
    );
  const problem = findJsonProblem(value.config, 'config');
  if (problem) throw new InvalidInputError(problem.path, problem.expected, problem.received);
  const destination =
    value.destination === undefined || value.destination === null
      ? {}
      : checkObject('destination', value.destination);
  const nonJsonLines = value.nonJsonLines ?? 'log';
  if (nonJsonLines !== 'log' && nonJsonLines !== 'error')
    throw new InvalidInputError('nonJsonLines', '"log" or "error"', describeValue(nonJsonLines));
  return {
    connectionId,
    connector,
    config: value.config as JsonObject,
    streams: checkStreamSelections(value.streams),
    sourceName: checkOptionalName('sourceName', value.sourceName) ?? connectorName(connector),
    destinationName: checkOptionalName('destination.name', destination.name),
    tablePrefix: checkTablePrefix(destination.tablePrefix ?? backend.tablePrefix),
    schema: destination.schema === undefined ? backend.schema : checkSchema(destination.schema),
    writeStrategy:
      destination.writeStrategy === undefined
        ? 'auto'
        : checkWriteStrategy('destination.writeStrategy', destination.writeStrategy),
    syncId: checkOptionalName('syncId', value.syncId),
    progressIntervalMs:
      value.progressIntervalMs === undefined || value.progressIntervalMs === null
        ? undefined
        : checkInteger('progressIntervalMs', value.progressIntervalMs, 0),
    nonJsonLines,
    maxBufferedRecords:
      value.maxBufferedRecords === undefined
        ? DEFAULT_MAX_BUFFERED_RECORDS
        : checkInteger('maxBufferedRecords', value.maxBufferedRecords, 1),
  };
}
