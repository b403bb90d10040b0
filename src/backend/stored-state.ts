import { InvalidStateMessageError } from '../errors';
import { parseExactJson } from '../protocol/exact-json';
import type { AirbyteStateMessage } from '../protocol/types';
import { checkParsedStateMessage } from '../protocol/validate';
import type { StoredStateRow } from './sql/select-states';
import { StateProvider } from './state-provider';

/**
 * Turns a stored row back into its message. Rows may come from PyAirbyte or a hand edit, so a
 * row that is not a valid message fails with an error that names the row, instead of handing a
 * connector a state file it will choke on. An integer beyond ±(2^53 − 1) (a Python int as
 * PyAirbyte wrote it) becomes an exact BigInt, never a rounded number.
 */
export function parseStoredState(row: StoredStateRow, table: string): AirbyteStateMessage {
  let value: unknown;
  try {
    value = parseExactJson(row.state_json ?? 'null');
  } catch {
    throw new InvalidStateMessageError(
      `${rowName(row, table)}.state_json`,
      'JSON text of a state message',
      'text that is not JSON',
    );
  }
  let message: AirbyteStateMessage;
  try {
    // No size bound on read (a message accepted once must stay readable), and no re-serialising.
    message = checkParsedStateMessage(value);
  } catch (error) {
    if (!(error instanceof InvalidStateMessageError)) throw error;
    throw new InvalidStateMessageError(
      `${rowName(row, table)}.state_json ${error.path}`,
      error.expected,
      error.received,
    );
  }
  // Writers (ours and PyAirbyte's) key a STREAM row by its stream's name; a row that says
  // otherwise was edited by hand, and a look-up by name must not miss or misplace it.
  const name = message.type === 'STREAM' ? message.stream?.stream_descriptor.name : undefined;
  if (name !== undefined && name !== row.stream_name) {
    throw new InvalidStateMessageError(
      `${rowName(row, table)}.state_json $.stream.stream_descriptor.name`,
      `the row's stream_name ${JSON.stringify(row.stream_name)}`,
      JSON.stringify(name),
    );
  }
  return message;
}

/** Names a row in an error; only the error path builds it (a read of 10,000 rows does not). */
function rowName(row: StoredStateRow, table: string): string {
  return `${table} row (stream_namespace ${JSON.stringify(row.stream_namespace)}, stream_name ${JSON.stringify(row.stream_name)})`;
}

/**
 * The state of one source as read from the database at one moment. It keeps the rows and parses
 * and checks a message the first time it is asked for: `getStreamState` of one stream among
 * 10,000 parses one row, `stateMessageArtifacts` parses them all once. A row that is not a valid
 * message throws `InvalidStateMessageError` naming the row whenever it is parsed, so it never
 * reaches a connector.
 */
export class StoredStateProvider extends StateProvider {
  private parsed: (AirbyteStateMessage | undefined)[];
  private all: readonly AirbyteStateMessage[] | undefined;

  /** @internal Built by `backend.getStateProvider(...)`; `table` names the rows in errors. */
  constructor(
    private rows: readonly StoredStateRow[],
    private readonly table: string,
  ) {
    super();
    this.parsed = new Array<AirbyteStateMessage | undefined>(rows.length);
  }

  override get stateMessageArtifacts(): readonly AirbyteStateMessage[] {
    if (this.all === undefined) {
      const all = new Array<AirbyteStateMessage>(this.rows.length);
      for (let i = 0; i < all.length; i++) all[i] = this.message(i);
      this.all = all;
      // Every message is parsed: the rows' JSON text is no longer needed.
      this.rows = [];
      this.parsed = [];
    }
    return this.all;
  }

  /** Only a row named `name` can hold its STREAM state (see {@link parseStoredState}). */
  protected override messagesOfStreamName(name: string): readonly AirbyteStateMessage[] {
    if (this.all !== undefined) return this.all;
    const out: AirbyteStateMessage[] = [];
    for (let i = 0; i < this.rows.length; i++) {
      if (this.rows[i]?.stream_name === name) out.push(this.message(i));
    }
    return out;
  }

  private message(i: number): AirbyteStateMessage {
    let message = this.parsed[i];
    if (message === undefined) {
      message = parseStoredState(this.rows[i] as StoredStateRow, this.table);
      this.parsed[i] = message;
    }
    return message;
  }
}
