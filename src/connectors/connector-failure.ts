import type { ConnectorExit } from './connector-process';
import { ConnectorError } from './connector-error';
import type { TraceError } from './connector-messages';

/** Error LOG lines kept for the failure message when the connector sends no TRACE error. */
const ERROR_LOGS_KEPT = 3;

/**
 * Collects what a connector says about its own failure (TRACE errors, ERROR and FATAL logs) and,
 * once it has exited, turns a failure into a {@link ConnectorError} whose message carries the
 * connector's own text.
 */
export class ConnectorFailure {
  private readonly traceErrors: TraceError[] = [];
  private readonly errorLogs: string[] = [];

  constructor(
    /** `source-faker read`, for messages. */
    private readonly what: string,
  ) {}

  /** Records a TRACE error. */
  traceError(error: TraceError): void {
    this.traceErrors.push(error);
  }

  /** Records an ERROR or FATAL log line. */
  errorLog(message: string): void {
    this.errorLogs.push(message);
    if (this.errorLogs.length > ERROR_LOGS_KEPT) this.errorLogs.shift();
  }

  /** True once the connector has reported an error. */
  get reported(): boolean {
    return this.traceErrors.length > 0;
  }

  /**
   * The error for a connector that exited non-zero or reported a TRACE error, else `undefined`.
   * `config_error` traces are not retryable (the config must change); anything else may be transient.
   */
  toError(exit: ConnectorExit, stderrTail: string): ConnectorError | undefined {
    const exitText =
      exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const first = this.traceErrors[0];
    if (first === undefined && exit.code === 0) return undefined;
    const parts: string[] = [];
    if (first !== undefined) {
      const own = [first.message, first.internal_message].filter(
        (text, i, all): text is string => !!text && all.indexOf(text) === i,
      );
      parts.push(
        `${this.what} failed: ${own.join(' — ') || 'a TRACE error without message'}` +
          (first.failure_type ? ` (${first.failure_type})` : '') +
          (this.traceErrors.length > 1 ? ` [and ${this.traceErrors.length - 1} more errors]` : '') +
          `; it ${exitText}.`,
      );
    } else {
      parts.push(`${this.what} ${exitText} before finishing.`);
      if (this.errorLogs.length > 0)
        parts.push(`Its last error logs:\n${this.errorLogs.join('\n')}`);
    }
    if (stderrTail !== '') parts.push(`Its last stderr lines:\n${stderrTail}`);
    const configError = first?.failure_type === 'config_error';
    return new ConnectorError(
      configError ? 'ConnectorConfigError' : 'ConnectorFailed',
      parts.join('\n'),
      !configError,
    );
  }
}
