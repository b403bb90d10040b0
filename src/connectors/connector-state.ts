import { InvalidStateMessageError } from '../errors';
import type { AirbyteStateMessage } from '../protocol/types';
import { type PreparedStateMessage, prepareStateMessage } from '../protocol/validate';
import { ConnectorError } from './connector-error';
import type { StateEnvelope } from './connector-messages';
import { preview } from './parse-message';
import { memberText, withMember } from './raw-json';

/**
 * A connector's STATE as it is stored: the connector's own text of the `state` object, byte for
 * byte (unknown fields such as the platform's `id`, and `recordCount: 12.0` as written), with
 * `destinationStats.recordCount` set to the records the destination committed for its scope, as
 * an Airbyte destination echoes it. Throws a non-retryable `ConnectorProtocolError` for a STATE
 * that is not a valid state message or is larger than `maxBytes`.
 */
export function prepareConnectorState(
  envelope: StateEnvelope,
  committedRecords: number,
  maxBytes: number,
): PreparedStateMessage {
  const stats = { recordCount: committedRecords };
  const message: AirbyteStateMessage = { ...envelope.state, destinationStats: stats };
  try {
    const prepared = prepareStateMessage(message, { maxBytes });
    const raw = memberText(envelope.line, 'state');
    if (raw === undefined) return prepared; // cannot be: the line parsed with a `state` object
    // A double, as the protocol defines recordCount ("should always have a decimal point").
    const json = withMember(raw, 'destinationStats', `{"recordCount":${committedRecords}.0}`);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > maxBytes)
      throw new InvalidStateMessageError(
        '$',
        `at most ${maxBytes} bytes of JSON`,
        `${bytes} bytes`,
      );
    return { ...prepared, json };
  } catch (error) {
    if (error instanceof InvalidStateMessageError)
      throw new ConnectorError(
        'ConnectorProtocolError',
        `The connector wrote an invalid STATE message: ${error.message} The message: ${preview(envelope.line)}`,
      );
    throw error;
  }
}
