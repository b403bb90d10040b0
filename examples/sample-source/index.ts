/**
 * A deterministic sample source in the spirit of Airbyte's source-faker: `users`, `products`
 * and `purchases`, incremental by `updated_at`, made from a seed with no network. It stands
 * where a real connector will stand, so syncs can be built and tested end to end.
 */
export { readBatch, sampleRecord, streamStateMessage, MAX_BATCH_LIMIT } from './batch';
export type { ReadBatchInput, ReadBatchResult } from './batch';
export { readMessages, iterateMessages, cursorsFromState } from './read-messages';
export type { ReadMessage } from './read-messages';
export { spec, resolveConfig, DEFAULT_COUNT, DEFAULT_RECORDS_PER_BATCH } from './config';
export type {
  SampleSourceConfig,
  ResolvedSampleSourceConfig,
  ConnectorSpecification,
} from './config';
export { discover, configuredCatalog, selectedStreams, CURSOR_FIELD } from './catalog';
export type { SelectedStream } from './catalog';
export { SAMPLE_STREAM_NAMES, isSampleStreamName, expectStreamName } from './streams';
export type { SampleStreamName, SampleRecord } from './streams';
export type { UserRecord, UserAddress, ProductRecord, PurchaseRecord } from './records';
export { BASE_TIME_MS, CURSOR_STEP_MS, MAX_RECORD_COUNT, updatedAtOf, parseCursor } from './cursor';
export { runCli, USAGE } from './cli';
export type * from './protocol-messages';
