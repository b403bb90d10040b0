import { InvalidInputError, StateNotFoundError } from '../errors';
import { toStateInputFileText } from '../protocol/state-file';
import type { AirbyteStateMessage, AirbyteStreamState } from '../protocol/types';
import { validateStateMessage } from '../protocol/validate';

/** A stream named by name alone, or by name and namespace. */
export type StreamRef = string | { readonly name: string; readonly namespace?: string | null };

/**
 * Read-only access to a set of state messages, with PyAirbyte's `StateProviderBase` API.
 * Unlike PyAirbyte's, GLOBAL state is kept (see {@link globalState}) and streams are told apart
 * by namespace. An integer beyond ±(2^53 − 1) in stored state is an exact `bigint` in the
 * messages, and its exact digits in {@link toStateInputFileText}.
 */
export abstract class StateProvider {
  /** All state messages: STREAM, GLOBAL and LEGACY. */
  abstract get stateMessageArtifacts(): readonly AirbyteStateMessage[];

  /** The `stream` part of every STREAM message. */
  get streamStateArtifacts(): AirbyteStreamState[] {
    const out: AirbyteStreamState[] = [];
    for (const message of this.stateMessageArtifacts) {
      if (message.type === 'STREAM' && message.stream) out.push(message.stream);
    }
    return out;
  }

  /** Names of the streams that have STREAM state. */
  get knownStreamNames(): Set<string> {
    return new Set(this.streamStateArtifacts.map((state) => state.stream_descriptor.name));
  }

  /** The GLOBAL (shared, e.g. CDC) state message, if any. */
  get globalState(): AirbyteStateMessage | undefined {
    return this.stateMessageArtifacts.find((message) => message.type === 'GLOBAL');
  }

  /** The LEGACY state message, if any. */
  get legacyState(): AirbyteStateMessage | undefined {
    return this.stateMessageArtifacts.find(
      (message) => message.type !== 'GLOBAL' && message.type !== 'STREAM',
    );
  }

  /**
   * The whole STREAM state message of one stream. When none exists: returns `notFound`, or with
   * the default `'raise'` throws {@link StateNotFoundError} listing the streams that do exist.
   * A bare name that exists in several namespaces throws {@link InvalidInputError}.
   */
  getStreamState(stream: StreamRef, notFound?: 'raise'): AirbyteStateMessage;
  getStreamState<T extends AirbyteStateMessage | null | undefined>(
    stream: StreamRef,
    notFound: T,
  ): AirbyteStateMessage | T;
  getStreamState(
    stream: StreamRef,
    notFound: AirbyteStateMessage | null | undefined | 'raise' = 'raise',
  ): AirbyteStateMessage | null | undefined {
    const name = typeof stream === 'string' ? stream : stream.name;
    const matches = this.messagesOfStreamName(name).filter(
      (message) =>
        message.type === 'STREAM' &&
        message.stream?.stream_descriptor.name === name &&
        (typeof stream === 'string' ||
          (message.stream.stream_descriptor.namespace ?? '') === (stream.namespace ?? '')),
    );
    if (matches.length > 1) {
      const namespaces = matches
        .map((m) => JSON.stringify(m.stream?.stream_descriptor.namespace ?? null))
        .join(', ');
      throw new InvalidInputError(
        'stream',
        `{ name, namespace } because "${name}" has state in several namespaces (${namespaces})`,
        `the bare name "${name}"`,
      );
    }
    if (matches[0]) return matches[0];
    if (notFound !== 'raise') return notFound;
    throw new StateNotFoundError(name, [...this.knownStreamNames].sort());
  }

  /**
   * The messages among which {@link getStreamState} looks for stream `name`: all of them here;
   * a provider that can narrow the search cheaply returns fewer (never fewer matches).
   */
  protected messagesOfStreamName(name: string): readonly AirbyteStateMessage[] {
    void name;
    return this.stateMessageArtifacts;
  }

  /** The text of a connector's `read --state FILE` (PyAirbyte's exact layout). */
  toStateInputFileText(): string {
    return toStateInputFileText(this.stateMessageArtifacts);
  }
}

/** A provider over a fixed list of messages (PyAirbyte's `StaticInputState`). */
export class StaticInputState extends StateProvider {
  private readonly messages: readonly AirbyteStateMessage[];

  /** Validates each message; throws `InvalidStateMessageError` for the first invalid one. */
  constructor(messages: Iterable<unknown>) {
    super();
    this.messages = Array.from(messages, (message) => validateStateMessage(message));
  }

  override get stateMessageArtifacts(): readonly AirbyteStateMessage[] {
    return this.messages;
  }
}
