/**
 * The `--state` file text, computed in workflow code (and by `readSyncProgress`, so that both
 * agree). Kept free of imports: src/protocol's `toStateInputFileText` uses Node's Buffer through
 * validation and cannot enter the workflow sandbox; a test checks the two layouts agree.
 */
import type { AirbyteStateMessage } from '../src/protocol/types';

/**
 * Messages by stream name, then namespace: the order `readSyncProgress` (src/client/read-progress.ts)
 * uses, so that the query's answer and the one rebuilt from the database compare equal.
 */
export function sortMessages(messages: AirbyteStateMessage[]): AirbyteStateMessage[] {
  const key = (m: AirbyteStateMessage): [string, string] =>
    m.type === 'STREAM' && m.stream
      ? [m.stream.stream_descriptor.name, m.stream.stream_descriptor.namespace ?? '']
      : [m.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY', ''];
  return messages.sort((a, b) => {
    const [an, ans] = key(a);
    const [bn, bns] = key(b);
    return an.localeCompare(bn) || ans.localeCompare(bns);
  });
}

/**
 * The `--state` file layout of `toStateInputFileText` in src/protocol, repeated here because
 * workflow code may not import that module (it uses Node's Buffer); a test checks they agree.
 */
export function stateFileText(messages: Iterable<AirbyteStateMessage>): string {
  return `[${Array.from(messages, (m) => JSON.stringify(m)).join('\n, ')}]`;
}
