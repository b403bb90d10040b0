import { InvalidStateMessageError } from '../errors';
import type { AirbyteStateMessage } from '../protocol/types';
import { checkParsedStateMessage } from '../protocol/validate';
import type { StoredStateRow } from './sql/select-states';
import { StateProvider } from './state-provider';

/**
 * Turns a stored row back into its message. Rows may come from PyAirbyte or a hand edit, so a
 * row that is not a valid message fails with an error that names the row, instead of handing a
 * connector a state file it will choke on.
 */
export function parseStoredState(row: StoredStateRow, table: string): AirbyteStateMessage {
  // Built only for an error: 10,000 rows do not pay for it.
  const where = () =>
    `${table} row (stream_namespace ${JSON.stringify(row.stream_namespace)}, stream_name ${JSON.stringify(row.stream_name)})`;
  let value: unknown;
  try {
    value = JSON.parse(row.state_json ?? 'null');
  } catch {
    throw new InvalidStateMessageError(
      `${where()}.state_json`,
      'JSON text of a state message',
      'text that is not JSON',
    );
  }
  try {
    // No size bound on read (a message accepted once must stay readable), and no re-serialising.
    return checkParsedStateMessage(value);
  } catch (error) {
    if (!(error instanceof InvalidStateMessageError)) throw error;
    throw new InvalidStateMessageError(
      `${where()}.state_json ${error.path}`,
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
