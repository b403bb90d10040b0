/**
 * Where a connector's log lines go: Temporal's activity logger (`Context.current().log`) fits, and
 * so does `console`. Each call carries the connector's name in `meta`.
 */
export interface ConnectorLogger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

/** A logger that drops everything: the default outside an activity. */
export const silentLogger: ConnectorLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

/** Forwards an Airbyte LOG line at its level (FATAL and ERROR as errors, TRACE and DEBUG as debug). */
export function forwardLog(
  logger: ConnectorLogger,
  level: string,
  message: string,
  meta: Record<string, unknown>,
): void {
  switch (level) {
    case 'FATAL':
    case 'ERROR':
      return logger.error(message, meta);
    case 'WARN':
      return logger.warn(message, meta);
    case 'DEBUG':
    case 'TRACE':
      return logger.debug(message, meta);
    default:
      return logger.info(message, meta);
  }
}
