import type { GenerationCompletion } from '../backend/commit/generation-steps';
import type { PreparedStateMessage } from '../protocol/validate';
import { type CommitResult, type CommitWriter, streamKey } from './commit-writer';
import type { ConnectorLogger } from './connector-logger';
import type { ConnectorMessage } from './connector-messages';
import { prepareConnectorState } from './connector-state';
import type { StreamStartPlan } from './generations';
import { type RecordCountChecks, RecordCounts } from './record-counts';

/**
 * Longest time the last STATE of a refreshing stream waits for the message after it: when that
 * message says the stream is complete, the STATE commits in the same transaction as the refresh's
 * swap; otherwise it commits on its own once this time passes, or at the next message.
 */
export const REFRESH_STATE_HOLD_MS = 1_000;

/** What a read loop works with. */
export interface ReadLoopInput {
  readonly connector: string;
  readonly messages: AsyncIterable<ConnectorMessage>;
  readonly writer: CommitWriter;
  /** The plan of each selected stream, by stream key. */
  readonly plans: ReadonlyMap<string, StreamStartPlan>;
  readonly maxStateBytes: number;
  readonly logger: ConnectorLogger;
  /** Called after each commit; awaited. */
  readonly onCommit: (result: CommitResult) => Promise<void>;
  /** Once aborted, nothing more is committed (the connector is being stopped). */
  readonly signal?: AbortSignal;
}

/** What a read loop did. */
export interface ReadLoopResult {
  readonly recordsRead: number;
  /** RECORDs per selected stream key. */
  readonly recordsPerStream: ReadonlyMap<string, number>;
  readonly recordCounts: RecordCountChecks;
  readonly refreshesCompleted: readonly string[];
}

/**
 * Reads a connector's messages to the end, committing at each STATE the records received since
 * the previous one (their counts checked), and completing each running refresh when its stream's
 * read completes (a TRACE `STREAM_STATUS` `COMPLETE`, or the connector's clean exit). On failure,
 * what was not committed is rolled back and the connector stopped.
 */
export async function readAndCommit(input: ReadLoopInput): Promise<ReadLoopResult> {
  const { writer, plans } = input;
  const counts = new RecordCounts();
  const recordsPerStream = new Map<string, number>();
  const completed = new Set<string>();
  const refreshesCompleted: string[] = [];
  let recordsRead = 0;
  let held: { readonly state: PreparedStateMessage; readonly key: string } | undefined;

  const commit = async (state?: PreparedStateMessage, complete: readonly string[] = []) => {
    const completions = complete.map((key) => completion(plans.get(key)!));
    for (const key of complete) completed.add(key);
    input.signal?.throwIfAborted();
    const result = await writer.commit({ state, completions });
    if (!result) return;
    refreshesCompleted.push(...result.refreshesCompleted);
    await input.onCommit(result);
  };
  const release = async () => {
    const state = held?.state;
    held = undefined;
    if (state) await commit(state);
  };
  const refreshing = (key: string) => plans.get(key)?.refresh != null && !completed.has(key);

  const iterator = input.messages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = iterator.next();
      if (held && (await settlesWithin(next, REFRESH_STATE_HOLD_MS)) === false) await release();
      const step: IteratorResult<ConnectorMessage, unknown> = await next;
      if (step.done) break;
      const message = step.value;
      const completes = completedStream(message);
      if (held && completes !== held.key) await release();
      if (message.type === 'RECORD') {
        recordsRead++;
        const key = streamKey(message.record.stream, message.record.namespace);
        const selected = plans.has(key);
        if (selected) recordsPerStream.set(key, (recordsPerStream.get(key) ?? 0) + 1);
        counts.add(key, selected);
        await writer.add(message);
      } else if (message.type === 'STATE') {
        const descriptor = message.state.stream?.stream_descriptor;
        const key = streamKey(descriptor?.name ?? '', descriptor?.namespace);
        const scope = counts.close(message.state, key);
        const state = prepareConnectorState(message, scope.written, input.maxStateBytes);
        if (message.state.type === 'STREAM' && refreshing(key)) held = { state, key };
        else await commit(state);
      } else if (completes !== undefined && refreshing(completes)) {
        const state = held?.key === completes ? held.state : undefined;
        held = undefined;
        await commit(state, [completes]);
      } else if (message.type === 'CONTROL') {
        input.logger.warn(
          `${input.connector} sent a CONTROL message (${String(message.control?.type)}); connector configs are not persisted, so it is ignored`,
          { connector: input.connector },
        );
      }
    }
    if (writer.pending)
      input.logger.warn(
        `${input.connector} ended with records after its last STATE: committing them without state`,
        { connector: input.connector },
      );
    const state = held?.state;
    held = undefined;
    await commit(
      state,
      [...plans.keys()].filter((key) => refreshing(key)),
    );
  } catch (error) {
    await writer.rollback();
    await iterator.return?.(undefined).catch(() => undefined); // stops the connector
    throw error;
  }
  return { recordsRead, recordsPerStream, recordCounts: counts.checks, refreshesCompleted };
}

/** What completing a stream's refresh does: swap its staging table in, or just end it. */
function completion(plan: StreamStartPlan): GenerationCompletion {
  return {
    namespace: plan.stream.namespace ?? '',
    streamName: plan.stream.name,
    generationId: plan.generationId,
    swap:
      plan.writeTable === plan.table
        ? undefined
        : {
            staging: plan.writeTable,
            target: plan.table,
            minimumGenerationId: plan.minimumGenerationId,
          },
  };
}

/** The stream key of a TRACE `STREAM_STATUS` `COMPLETE`, else `undefined`. */
function completedStream(message: ConnectorMessage): string | undefined {
  if (message.type !== 'TRACE') return undefined;
  const trace = message.trace;
  const status = trace.stream_status;
  if (trace.type !== 'STREAM_STATUS' || status?.status !== 'COMPLETE') return undefined;
  const descriptor = status.stream_descriptor as { name?: string; namespace?: string | null };
  return descriptor?.name === undefined
    ? undefined
    : streamKey(descriptor.name, descriptor.namespace);
}

/** Whether `promise` settles within `ms` (its outcome is left to the caller's own await). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
