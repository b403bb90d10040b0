import type { AirbyteStateMessage } from '../protocol/types';
import type { PreparedStateMessage } from '../protocol/validate';
import type { SqlExecutor } from './sql/executor';
import type { AuthorOptions, WriteAudit } from './state-history';
import { StateProvider } from './state-provider';

/** Per-call options of the writer; `author` and `note` go to the state history with each version. */
export interface WriteOptions extends AuthorOptions {
  /**
   * Run the write on this executor, e.g. your own transactional MikroORM EntityManager, so that
   * the state commits or rolls back with your records. Default: a fresh fork of the backend's.
   */
  readonly em?: SqlExecutor;
  /** @internal How the write came about: set by `commitBatch` and the state operations. */
  readonly audit?: WriteAudit;
}

/** The part of the backend a writer needs; keeps the writer testable and the backend private. */
export interface StateWriteTarget {
  prepare(message: unknown): PreparedStateMessage;
  write(
    writer: StateWriterKey,
    states: readonly PreparedStateMessage[],
    options: WriteOptions,
  ): Promise<unknown>;
}

/** Whose state a writer writes. */
export interface StateWriterKey {
  readonly sourceName: string;
  readonly destinationName?: string | undefined;
  readonly tablePrefix: string;
}

/**
 * Writes the state of one source (optionally: as acknowledged by one destination), with
 * PyAirbyte's `write_state` semantics: a message replaces the stored one for the same stream.
 * It also provides, like PyAirbyte's writer, the last message it wrote for each stream.
 */
export class SqlStateWriter extends StateProvider {
  private readonly latest = new Map<string, AirbyteStateMessage>();

  /** @internal Use `backend.getStateWriter(...)`. */
  constructor(
    private readonly target: StateWriteTarget,
    /** Whose state this writer writes. */
    readonly key: StateWriterKey,
  ) {
    super();
  }

  /** The source whose state this writer writes. */
  get sourceName(): string {
    return this.key.sourceName;
  }

  /** The destination, or `undefined` for the cache table. */
  get destinationName(): string | undefined {
    return this.key.destinationName;
  }

  /**
   * Validates and stores one state message in one atomic upsert. Throws
   * `InvalidStateMessageError` (and writes nothing) when the message is invalid.
   */
  async writeState(message: unknown, options: WriteOptions = {}): Promise<void> {
    await this.writeStates([message], options);
  }

  /**
   * Validates every message, then stores them all in one statement: all or none. When several
   * messages are for the same stream, the last one wins, as if written one after the other.
   * Returns the number of rows written (one per distinct stream).
   */
  async writeStates(messages: Iterable<unknown>, options: WriteOptions = {}): Promise<number> {
    const prepared = new Map<string, PreparedStateMessage>();
    for (const message of messages) {
      const state = this.target.prepare(message);
      const id = JSON.stringify([state.namespace, state.streamName]);
      prepared.delete(id); // keep the order of last writes
      prepared.set(id, state);
    }
    if (prepared.size === 0) return 0;
    await this.target.write(this.key, [...prepared.values()], options);
    for (const [id, state] of prepared) {
      this.latest.delete(id);
      this.latest.set(id, state.message);
    }
    return prepared.size;
  }

  /** The last message this writer stored for each stream (and GLOBAL / LEGACY). */
  override get stateMessageArtifacts(): readonly AirbyteStateMessage[] {
    return [...this.latest.values()];
  }
}
