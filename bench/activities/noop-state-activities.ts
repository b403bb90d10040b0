/**
 * The baseline of the Temporal cases: `startSync` and `commitBatch` that touch no database. The
 * commit only remembers the state in memory, so that a run continued as new resumes from it as
 * it would from PostgreSQL; everything else a sync does (source reads, payloads, history,
 * continue-as-new) stays the same.
 */
import type { AirbyteStateMessage } from '../../src/protocol/types';
import type {
  CheckpointEntry,
  CommitBatchInput,
  CommitBatchResult,
  StartSyncInput,
  StartSyncResult,
} from '../../src/activity-bodies/types';

/** Prefix under which the benchmark worker registers these activities. */
export const NOOP_ACTIVITY_PREFIX = 'noop.';

/** What one connection has "committed", in memory. */
interface MemoryConnection {
  epoch: number;
  readonly states: Map<string, AirbyteStateMessage>;
  readonly checkpoints: Map<string, CheckpointEntry>;
}

/** Creates the no-op `startSync` and `commitBatch`, with the real ones' shapes. */
export function createNoopStateActivities() {
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
  };
}
