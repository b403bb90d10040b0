/**
 * The library's named errors. Each carries a stable `type` that activities use as the
 * `ApplicationFailure` type, so that a workflow in any SDK can tell them apart.
 */

/** Base class of every error this library throws on purpose. */
export abstract class SyncStateError extends Error {
  /** Stable, SDK-neutral name of the failure (used as `ApplicationFailure.type`). */
  abstract readonly type: string;
  /** Whether retrying the same call can succeed; input errors never can. */
  abstract readonly retryable: boolean;

  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown when a state message is malformed, not plain JSON, or larger than allowed. */
export class InvalidStateMessageError extends SyncStateError {
  readonly type = 'InvalidStateMessage';
  readonly retryable = false;

  constructor(
    /** Where in the message the problem is, as a JSON path such as `$.stream.stream_descriptor.name`. */
    readonly path: string,
    /** What was expected there. */
    readonly expected: string,
    /** A short, safe description of what was found instead. */
    readonly received: string,
  ) {
    super(`Invalid state message at ${path}: expected ${expected}, got ${received}.`);
  }
}

/** Thrown when an option, a name, an activity argument or a record given to the library is invalid. */
export class InvalidInputError extends SyncStateError {
  readonly type = 'InvalidInput';
  readonly retryable = false;

  constructor(
    /** The option or argument that is wrong, e.g. `tablePrefix`. */
    readonly option: string,
    /** What was expected. */
    readonly expected: string,
    /** A short, safe description of what was given. */
    readonly received: string,
  ) {
    super(`Invalid ${option}: expected ${expected}, got ${received}.`);
  }
}

/** Thrown by `getStreamState(name)` (with the default `notFound = 'raise'`) when no state exists. */
export class StateNotFoundError extends SyncStateError {
  readonly type = 'StateNotFound';
  readonly retryable = false;

  constructor(
    /** The stream that was asked for. */
    readonly streamName: string,
    /** The streams that do have state, so the caller can spot a typo. */
    readonly availableStreams: readonly string[],
  ) {
    const known = availableStreams.length ? availableStreams.join(', ') : '(none)';
    super(`No state found for stream "${streamName}". Streams with state: ${known}.`);
  }
}

/**
 * Thrown when a commit is older than what is stored: its checkpoint is below the last committed
 * one, or a newer run of the same connection has claimed it since (fencing).
 */
export class StaleCheckpointError extends SyncStateError {
  readonly type = 'StaleCheckpoint';
  readonly retryable = false;

  constructor(
    /** The connection whose commit was refused. */
    readonly connectionId: string,
    /** Why, e.g. `checkpoint 3 is older than the committed checkpoint 5 of stream "users"`. */
    readonly reason: string,
  ) {
    super(`Stale commit for connection "${connectionId}": ${reason}. Nothing was written.`);
  }
}

/**
 * Thrown when an activity's input or result would be larger than the payload limit, which is
 * kept well below Temporal's (2 MB per payload): failing once, clearly, beats a payload the
 * server rejects and an activity retried forever.
 */
export class PayloadTooLargeError extends SyncStateError {
  readonly type = 'PayloadTooLarge';
  readonly retryable = false;

  constructor(
    /** What was too large, e.g. `the result of startSync`. */
    readonly what: string,
    /** Its size as JSON, in UTF-8 bytes. */
    readonly bytes: number,
    /** The limit, in bytes. */
    readonly limit: number,
    /** What to do instead. */
    readonly advice: string,
  ) {
    super(`${what} is ${bytes} bytes of JSON, over the payload limit of ${limit} bytes: ${advice}`);
  }
}

/**
 * Thrown where stored state must become plain JSON numbers (an activity result, a workflow's view
 * of the state) but holds an integer beyond ±(2^53 − 1), which a JSON number would round.
 */
export class UnsafeIntegerError extends SyncStateError {
  readonly type = 'UnsafeInteger';
  readonly retryable = false;

  constructor(
    /** Whose state it is. */
    readonly sourceName: string,
    /** The stream, or `_GLOBAL` / `_LEGACY`. */
    readonly streamName: string,
    /** Where in the state message, e.g. `$.stream.stream_state.since_id`. */
    readonly path: string,
    /** The integer exactly as stored, e.g. `1790000000000000123`. */
    readonly integer: string,
  ) {
    super(
      `The state of stream "${streamName}" of source "${sourceName}" holds the integer ${integer} at ${path}, ` +
        `beyond ±(2^53 - 1): as a JSON number (in an activity result or a workflow) it would become ` +
        `${String(Number(integer))}, so it is not handed out. Read this state as text instead ` +
        '(provider.toStateInputFileText(), or `temporal-sync-state state get`), where it stays exact, ' +
        'or have the source write such values as strings.',
    );
  }
}

/** Renders a value for an error message without dumping large or sensitive payloads. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
      return `the string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'nothing (undefined)';
    case 'object': {
      const proto: unknown = Object.getPrototypeOf(value);
      const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
      return proto === Object.prototype || proto === null
        ? 'an object'
        : `an instance of ${ctor ?? 'a class'}`;
    }
    default:
      return `a ${typeof value}`;
  }
}
