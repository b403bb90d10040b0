import {
  InvalidInputError,
  InvalidStateMessageError,
  StateNotFoundError,
  SyncStateError,
} from '../errors';

/** The CLI's exit codes. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Failed: the database or Temporal failed, or something unexpected happened. */
  failure: 1,
  /** Bad usage or bad input (an option, a name, an input file): nothing was changed. */
  usage: 2,
  /** What was asked for does not exist (no such state, version or sync). */
  notFound: 3,
  /** Refused: a sync of the connection is running, or Temporal cannot be asked (see --force). */
  refused: 4,
} as const;

/** An error the CLI reports as one line and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    /** One of {@link EXIT}. */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof InvalidInputError || error instanceof InvalidStateMessageError)
    return EXIT.usage;
  if (error instanceof StateNotFoundError) return EXIT.notFound;
  return EXIT.failure;
}

/** An error as the one line the CLI prints: its message, never a stack trace. */
export function errorLine(error: unknown): string {
  let message: string;
  if (error instanceof CliError || error instanceof SyncStateError) message = error.message;
  else if (error instanceof AggregateError && error.errors.length > 0)
    message = (error.errors as unknown[]).map((e) => describe(e)).join('; ');
  else message = describe(error);
  return `error: ${message.replace(/\s*\n\s*/g, ' ')}`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  // pg and Node network errors: the message alone can be empty or cryptic.
  if (typeof code === 'string' && !error.message.includes(code))
    return `${error.message || error.name} (${code})`;
  return error.message || error.name;
}
