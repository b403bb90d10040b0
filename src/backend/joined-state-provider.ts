import type { AirbyteStateMessage } from '../protocol/types';
import { StateProvider } from './state-provider';

/**
 * Joins two providers (PyAirbyte's `JoinedStateProvider`): every stream of either, the
 * primary's state winning and the secondary's as the fallback. GLOBAL and LEGACY state join the
 * same way (PyAirbyte's drops them).
 */
export class JoinedStateProvider extends StateProvider {
  constructor(
    private readonly primary: StateProvider,
    private readonly secondary: StateProvider,
  ) {
    super();
  }

  override get knownStreamNames(): Set<string> {
    return new Set([...this.primary.knownStreamNames, ...this.secondary.knownStreamNames]);
  }

  override get stateMessageArtifacts(): readonly AirbyteStateMessage[] {
    const joined = new Map<string, AirbyteStateMessage>();
    for (const message of this.secondary.stateMessageArtifacts) joined.set(keyOf(message), message);
    for (const message of this.primary.stateMessageArtifacts) joined.set(keyOf(message), message);
    return [...joined.values()];
  }
}

/** One key per stream (namespace included), one for GLOBAL and one for LEGACY. */
function keyOf(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM' && message.stream) {
    const d = message.stream.stream_descriptor;
    return JSON.stringify(['STREAM', d.namespace ?? '', d.name]);
  }
  return message.type === 'GLOBAL' ? 'GLOBAL' : 'LEGACY';
}
