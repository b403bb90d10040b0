/**
 * Reading state messages, with no imports but types: usable in workflow code too.
 */
import type { AirbyteStateMessage, JsonObject } from './types';

/** The state of one stream, taken from its STREAM message. */
export interface StreamStateEntry {
  readonly name: string;
  readonly namespace: string | null;
  /** The stream's `stream_state`, `null` when the message has none. */
  readonly state: JsonObject | null;
}

/** The per-stream states of the STREAM messages among `messages`, in their order. */
export function streamStatesOf(messages: readonly AirbyteStateMessage[]): StreamStateEntry[] {
  const entries: StreamStateEntry[] = [];
  for (const message of messages) {
    if (message.type !== 'STREAM' || !message.stream) continue;
    const { stream_descriptor: descriptor, stream_state: state } = message.stream;
    entries.push({
      name: descriptor.name,
      namespace: descriptor.namespace ?? null,
      state: state ?? null,
    });
  }
  return entries;
}
