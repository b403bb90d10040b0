import { InvalidStateMessageError } from '../errors';
import type { AirbyteStateMessage } from '../protocol/types';
import { prepareStateMessage } from '../protocol/validate';
import type { StoredStateRow } from './sql/select-states';
import { StateProvider } from './state-provider';

/**
 * Turns a stored row back into its message. Rows may come from PyAirbyte or a hand edit, so a
 * row that is not a valid message fails with an error that names the row, instead of handing a
 * connector a state file it will choke on.
 */
export function parseStoredState(row: StoredStateRow, table: string): AirbyteStateMessage {
  const where = `${table} row (stream_namespace ${JSON.stringify(row.stream_namespace)}, stream_name ${JSON.stringify(row.stream_name)})`;
  let value: unknown;
  try {
    value = JSON.parse(row.state_json ?? 'null');
  } catch {
    throw new InvalidStateMessageError(
      `${where}.state_json`,
      'JSON text of a state message',
      'text that is not JSON',
    );
  }
  try {
    // No size bound on read: a message that was accepted once must stay readable.
    return prepareStateMessage(value, { maxBytes: Number.POSITIVE_INFINITY }).message;
  } catch (error) {
    if (!(error instanceof InvalidStateMessageError)) throw error;
    throw new InvalidStateMessageError(
      `${where}.state_json ${error.path}`,
      error.expected,
      error.received,
    );
  }
}

/** The state of one source as read from the database at one moment. */
export class StoredStateProvider extends StateProvider {
  /** @internal Built by `backend.getStateProvider(...)` from rows it validated. */
  constructor(private readonly messages: readonly AirbyteStateMessage[]) {
    super();
  }

  override get stateMessageArtifacts(): readonly AirbyteStateMessage[] {
    return this.messages;
  }
}
