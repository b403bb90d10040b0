import { GenerationsChangedError } from '../backend/commit/generation-steps';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { readStreamGenerations } from '../backend/stream-generations';
import type { AirbyteStateMessage } from '../protocol/types';
import type { CheckedSyncInput } from './check-sync-input';
import { streamKey } from './commit-writer';
import type { ConfiguredStream } from './configured-catalog';
import type { DestinationTable } from './destination-table';
import { planStreamStarts, type StreamStartPlan } from './generations';

/** Times a start is planned again when a refresh request lands between its read and its commit. */
const MAX_START_TRIES = 5;

/** How a run starts: each stream's plan, and the state the connector is given. */
export interface RunStart {
  readonly plans: readonly StreamStartPlan[];
  /** The stored state of the streams that resume, as the `--state` file holds it. */
  readonly state: readonly AirbyteStateMessage[];
}

/**
 * Starts a run of sync `syncId` (see `planStreamStarts`): reads the streams' generations and the
 * stored state, plans each stream, creates the tables (staging ones too), and commits the start
 * (fenced by the run's epoch: states cleared, staging tables emptied, generations saved) in one
 * transaction; then reads back the state the connector resumes from.
 */
export async function startRun(
  backend: SqlStateBackend,
  sync: CheckedSyncInput,
  selected: readonly { readonly stream: ConfiguredStream; readonly table: DestinationTable }[],
  run: { readonly syncId: string; readonly epoch: number },
): Promise<RunStart> {
  const owner = {
    sourceName: sync.sourceName,
    destinationName: sync.destinationName,
    tablePrefix: sync.tablePrefix,
  };
  const storedState = () =>
    backend.getStateProvider(sync.sourceName, {
      destinationName: sync.destinationName,
      tablePrefix: sync.tablePrefix,
      streamsFilter: selected.map((s) => s.stream.name),
    });
  for (let tries = 1; ; tries++) {
    const [rows, provider] = await Promise.all([
      readStreamGenerations(backend, sync.connectionId),
      storedState(),
    ]);
    const stored = stateKeys(provider.stateMessageArtifacts);
    const plans = planStreamStarts(
      run.syncId,
      selected.map(({ stream, table }) => ({
        stream,
        table,
        row: rows.find(
          (r) => r.namespace === (stream.namespace ?? '') && r.streamName === stream.name,
        ),
        hasState: stored.all || stored.streams.has(streamKey(stream.name, stream.namespace)),
      })),
      rows,
    );
    const staging = plans.flatMap((p) => (p.writeTable === p.table ? [] : [p.writeTable]));
    await backend.commits.prepareTables([...selected.map((s) => s.table), ...staging]);
    try {
      await backend.commits.commit({
        fence: { connectionId: sync.connectionId, epoch: run.epoch },
        streams: [],
        generations: { connectionId: sync.connectionId, owner, start: plans.map((p) => p.start) },
      });
    } catch (error) {
      if (error instanceof GenerationsChangedError && tries < MAX_START_TRIES) continue;
      throw error;
    }
    const fresh = new Set(
      plans.filter((p) => !p.resumes).map((p) => streamKey(p.stream.name, p.stream.namespace)),
    );
    const state = (await storedState()).stateMessageArtifacts.filter((m) => {
      const descriptor = m.type === 'STREAM' ? m.stream?.stream_descriptor : undefined;
      return !descriptor || !fresh.has(streamKey(descriptor.name, descriptor.namespace));
    });
    return { plans, state };
  }
}

/** Which streams a stored state holds: by STREAM row or GLOBAL entry; `all` for a LEGACY blob. */
function stateKeys(messages: readonly AirbyteStateMessage[]): {
  readonly streams: ReadonlySet<string>;
  readonly all: boolean;
} {
  const streams = new Set<string>();
  let all = false;
  for (const m of messages) {
    if (m.type === 'STREAM' && m.stream)
      streams.add(streamKey(m.stream.stream_descriptor.name, m.stream.stream_descriptor.namespace));
    else if (m.type === 'GLOBAL')
      for (const s of m.global?.stream_states ?? [])
        streams.add(streamKey(s.stream_descriptor.name, s.stream_descriptor.namespace));
    else all = true;
  }
  return { streams, all };
}
