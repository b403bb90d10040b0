import type { Socket } from 'node:net';
import { describeValue, InvalidInputError } from '../errors';
import {
  type ConnectionTimeouts,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_MS,
  DEFAULT_READ_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
} from './options';

/**
 * The part of node-postgres's client that the read timeout watches (its public `activeQuery`
 * getter is deprecated and warns; `_getActiveQuery` is what the client itself calls).
 */
interface PgClient {
  _getActiveQuery?(): unknown;
  readonly connection?: { readonly stream?: Socket };
}

/**
 * Turns {@link ConnectionTimeouts} into node-postgres connection settings (server timeouts as
 * startup parameters, keepalive, connect timeout) and a pool `afterCreate` hook that destroys a
 * connection whose query has heard nothing for `readMs`. Checks each value first.
 */
export function connectionSettings(timeouts: ConnectionTimeouts | undefined): {
  readonly connection: Record<string, unknown>;
  readonly afterCreate: (
    client: PgClient,
    done: (error: Error | null, client: PgClient) => void,
  ) => void;
} {
  const value = (name: keyof ConnectionTimeouts, fallback: number) =>
    checkMs(`timeouts.${name}`, timeouts?.[name] ?? fallback);
  if (timeouts !== undefined && (typeof timeouts !== 'object' || timeouts === null))
    throw new InvalidInputError('timeouts', 'an object of timeouts in ms', describeValue(timeouts));
  const statementMs = value('statementMs', DEFAULT_STATEMENT_TIMEOUT_MS);
  const idleMs = value('idleInTransactionMs', DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS);
  const readMs = value('readMs', DEFAULT_READ_TIMEOUT_MS);
  const connectMs = value('connectMs', DEFAULT_CONNECT_TIMEOUT_MS);
  const keepAliveMs = value('keepAliveMs', DEFAULT_KEEPALIVE_MS);
  const connection: Record<string, unknown> = {};
  // node-postgres sends these two as startup parameters: no extra round trip per connection.
  if (statementMs) connection.statement_timeout = statementMs;
  if (idleMs) connection.idle_in_transaction_session_timeout = idleMs;
  if (connectMs) connection.connectionTimeoutMillis = connectMs;
  if (keepAliveMs) {
    const seconds = Math.max(1, Math.round(keepAliveMs / 1000));
    connection.keepAlive = true;
    connection.keepAliveInitialDelayMillis = keepAliveMs;
    connection.options = [
      `-c tcp_keepalives_idle=${seconds}`,
      `-c tcp_keepalives_interval=${Math.max(1, Math.round(seconds / 3))}`,
      '-c tcp_keepalives_count=3',
    ].join(' ');
  }
  return {
    connection,
    afterCreate: (client, done) => {
      const socket = client.connection?.stream;
      if (readMs && socket) {
        // Node's socket timeout measures silence since the last byte read or written, and fires
        // once per silence: an idle pooled connection ignores it; a query still waiting for its
        // answer means the link or the server is gone, so the connection is destroyed (the query
        // fails, knex discards the connection, the pool opens a new one).
        socket.setTimeout(readMs);
        socket.on('timeout', () => {
          if (client._getActiveQuery?.())
            socket.destroy(
              new Error(`PostgreSQL sent nothing for ${readMs} ms: connection dropped`),
            );
        });
      }
      done(null, client);
    },
  };
}

function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1)
    throw new InvalidInputError(
      name,
      'a whole number of milliseconds, 0 for none',
      describeValue(value),
    );
  return value;
}
