import { Context } from '@temporalio/activity';
import type { SqlStateBackend } from '../src/backend/sql-state-backend';
import { commitBatch } from '../src/activity-bodies/commit-batch';
import {
  resetStreams,
  type ResetStreamsInput,
  type ResetStreamsResult,
} from '../src/activity-bodies/reset-streams';
import { startSync } from '../src/activity-bodies/start-sync';
import { checkPayloadSize } from '../src/activity-bodies/payload-guard';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../src/protocol/json-bytes';
import type { SourceReader } from '../src/activity-bodies/source-reader';
import { DEFAULT_MAX_RESULT_STATE_BYTES, syncBatch } from '../src/activity-bodies/sync-batch';
import { describeValue, InvalidInputError } from '../src/errors';
import { getStateSnapshot } from '../src/activity-bodies/state-snapshot';
import { writeStateMessages } from '../src/activity-bodies/write-state';
import type {
  CommitBatchInput,
  CommitBatchResult,
  GetStateInput,
  StartSyncInput,
  StartSyncResult,
  SyncBatchInput,
  SyncBatchResult,
  SyncStateSnapshot,
  WriteStateInput,
  WriteStateResult,
} from '../src/activity-bodies/types';
import { asActivity } from './as-activity';
import { withHeartbeats } from './heartbeats';

/** A backend, or a function that returns the backend once it is open (what the plugin passes). */
export type BackendSource = SqlStateBackend | (() => SqlStateBackend);

/** Options of {@link createStateActivities}. */
export interface CreateStateActivitiesOptions {
  /**
   * Source readers by name, for the `syncBatch` activity: `{ orders: readOrders }`; a workflow
   * names the one it wants. Default: none (`syncBatch` then refuses every call).
   */
  readonly readers?: Readonly<Record<string, SourceReader>>;
  /**
   * Largest activity input or result, as JSON; a larger one fails with `PayloadTooLarge` instead
   * of being refused by Temporal (2 MB) and retried forever. Default: 1.5 MB (`DEFAULT_MAX_PAYLOAD_BYTES`).
   */
  readonly maxPayloadBytes?: number;
  /** Largest `stream_state` a `syncBatch` result carries back. Default: 512 bytes. */
  readonly maxResultStateBytes?: number;
}

/**
 * The state activities over one backend. Each call works on its own forked EntityManager.
 * Names and JSON shapes are a contract for workflows in any SDK (see the README).
 */
export function createStateActivities(
  backend: BackendSource,
  options: CreateStateActivitiesOptions = {},
) {
  const get = typeof backend === 'function' ? backend : () => backend;
  const maxPayloadBytes = checkByteOption(
    'maxPayloadBytes',
    options.maxPayloadBytes,
    DEFAULT_MAX_PAYLOAD_BYTES,
  );
  const batchSetup = {
    readers: options.readers ?? {},
    maxResultStateBytes: checkByteOption(
      'maxResultStateBytes',
      options.maxResultStateBytes,
      DEFAULT_MAX_RESULT_STATE_BYTES,
    ),
  };
  return {
    /** The stored state of a source: every message, once. */
    getState: (input: GetStateInput): Promise<SyncStateSnapshot> =>
      asActivity(async () =>
        checkPayloadSize(
          await getStateSnapshot(get(), input),
          maxPayloadBytes,
          'the result of getState',
          'ask for fewer streams (streams), or read the state inside an activity',
        ),
      ),

    /**
     * Writes one or many state messages in one transaction (PyAirbyte's `write_state`), fenced
     * like a commit: see `WriteStateInput`.
     */
    writeState: (input: WriteStateInput): Promise<WriteStateResult> =>
      asActivity(() => writeStateMessages(get(), input)),

    /** Claims a connection for the calling workflow run and returns the checkpoints (and state) to resume from. */
    startSync: (input: StartSyncInput): Promise<StartSyncResult> =>
      asActivity(() =>
        startSync(get(), input, Context.current().info.workflowExecution?.runId, maxPayloadBytes),
      ),

    /** Upserts a batch's records and writes its state in one transaction, exactly once per checkpoint. */
    commitBatch: (input: CommitBatchInput): Promise<CommitBatchResult> =>
      asActivity(() => commitBatch(get(), input)),

    /**
     * Reads one batch of a stream with a registered reader, from its committed state, and
     * commits it like `commitBatch`; returns a summary. Heartbeats while the reader runs.
     */
    syncBatch: (input: SyncBatchInput): Promise<SyncBatchResult> =>
      asActivity(() => withHeartbeats((context) => syncBatch(get(), batchSetup, input, context))),

    /** Clears some streams' state for the run that owns the connection (e.g. a reset update). */
    resetStreams: (input: ResetStreamsInput): Promise<ResetStreamsResult> =>
      asActivity(() => resetStreams(get(), input)),
  };
}

/** The state activities, as workflows type them: `proxyActivities<StateActivities>(...)`. */
export type StateActivities = ReturnType<typeof createStateActivities>;

function checkByteOption(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new InvalidInputError(
      option,
      'a whole number of bytes, at least 1',
      describeValue(value),
    );
  return value;
}
