/**
 * The baseline of the Temporal cases: `startSync`, `commitBatch` and `syncBatch` that touch no
 * database. `syncBatch` reads with the same source reader as the real one; the commits only
 * remember the state in memory, so that a run continued as new resumes from it as it would from
 * PostgreSQL; everything else a sync does (source reads, payloads, history, continue-as-new)
 * stays the same.
 */
import type { SourceReader } from '../../src/activity-bodies/source-reader';
import type { AirbyteStateMessage, JsonObject } from '../../src/protocol/types';
import type {
  CheckpointEntry,
  CommitBatchInput,
  CommitBatchResult,
  StartSyncInput,
  StartSyncResult,
  SyncBatchInput,
  SyncBatchResult,
} from '../../src/activity-bodies/types';

/** Prefix under which the benchmark worker registers these activities. */
export const NOOP_ACTIVITY_PREFIX = 'noop.';

/** What one connection has "committed", in memory. */
interface MemoryConnection {
  epoch: number;
  readonly states: Map<string, AirbyteStateMessage>;
  readonly checkpoints: Map<string, CheckpointEntry>;
}

/**
 * Creates the no-op `startSync`, `commitBatch` and `syncBatch` (reading with `reader`), with the
 * real ones' shapes.
 */
export function createNoopStateActivities(reader: SourceReader) {
  const connections = new Map<string, MemoryConnection>();
  const connection = (id: string): MemoryConnection => {
    let found = connections.get(id);
    if (!found) {
      found = { epoch: 0, states: new Map(), checkpoints: new Map() };
      connections.set(id, found);
    }
    return found;
  };
  return {
    /** Hands out the next epoch and the state remembered from earlier commits. */
    startSync: (input: StartSyncInput): Promise<StartSyncResult> => {
      const c = connection(input.connectionId);
      c.epoch++;
      const messages = [...c.states.values()];
      return Promise.resolve({
        epoch: c.epoch,
        state: {
          messages,
          streams: messages.flatMap((m) =>
            m.stream
              ? [
                  {
                    name: m.stream.stream_descriptor.name,
                    namespace: m.stream.stream_descriptor.namespace ?? null,
                    state: m.stream.stream_state ?? null,
                  },
                ]
              : [],
          ),
          global: null,
          stateFile: '',
        },
        checkpoints: [...c.checkpoints.values()],
      });
    },

    /** Remembers the state and checkpoint; writes no record anywhere. */
    commitBatch: (input: CommitBatchInput): Promise<CommitBatchResult> => {
      const c = connection(input.connectionId);
      const name = input.state.stream?.stream_descriptor.name ?? '_GLOBAL';
      const previous = c.checkpoints.get(name)?.recordsCommitted ?? 0;
      const committedAt = new Date().toISOString();
      const entry: CheckpointEntry = {
        name,
        namespace: null,
        checkpoint: input.checkpoint,
        recordsCommitted: previous + input.records.length,
        committedAt,
      };
      c.checkpoints.set(name, entry);
      c.states.set(name, input.state);
      return Promise.resolve({
        status: 'committed',
        checkpoint: input.checkpoint,
        recordsWritten: input.records.length,
        table: `noop.${name}`,
        streamRecordsCommitted: entry.recordsCommitted,
        committedAt,
      });
    },

    /** Reads the batch after the remembered state with the real reader; remembers the new state. */
    syncBatch: async (input: SyncBatchInput): Promise<SyncBatchResult> => {
      const c = connection(input.connectionId);
      const name = typeof input.stream === 'string' ? input.stream : input.stream.name;
      const previous = c.checkpoints.get(name);
      const state = c.states.get(name)?.stream?.stream_state ?? null;
      const read = await reader({
        stream: { name, namespace: null },
        state,
        limit: input.limit,
        checkpoint: input.checkpoint,
        config: input.config ?? {},
        attempt: 1,
        signal: new AbortController().signal,
        heartbeat: () => undefined,
      });
      const table = `noop.${name}`;
      if (read.records.length === 0 && JSON.stringify(read.state) === JSON.stringify(state ?? {}))
        return {
          status: 'unchanged',
          checkpoint: previous?.checkpoint ?? 0,
          recordsWritten: 0,
          streamRecordsCommitted: previous?.recordsCommitted ?? 0,
          committedAt: previous?.committedAt ?? null,
          done: read.done,
          table,
          ...(state ? { state } : {}),
        };
      const entry = remember(c, name, input.checkpoint, read.records.length, read.state);
      return {
        status: 'committed',
        checkpoint: input.checkpoint,
        recordsWritten: read.records.length,
        streamRecordsCommitted: entry.recordsCommitted,
        committedAt: entry.committedAt,
        done: read.done,
        table,
        state: read.state,
      };
    },
  };
}

function remember(
  c: MemoryConnection,
  name: string,
  checkpoint: number,
  records: number,
  state: JsonObject,
): CheckpointEntry {
  const entry: CheckpointEntry = {
    name,
    namespace: null,
    checkpoint,
    recordsCommitted: (c.checkpoints.get(name)?.recordsCommitted ?? 0) + records,
    committedAt: new Date().toISOString(),
  };
  c.checkpoints.set(name, entry);
  c.states.set(name, {
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: state },
  });
  return entry;
}
