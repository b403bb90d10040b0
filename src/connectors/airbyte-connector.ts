import type { JsonObject } from '../protocol/types';
import { ConnectorError } from './connector-error';
import { ConnectorFailure } from './connector-failure';
import { type ConnectorLogger, forwardLog, silentLogger } from './connector-logger';
import type {
  AirbyteCatalog,
  CatalogMessage,
  ConnectionStatusMessage,
  ConnectorMessage,
  SpecMessage,
} from './connector-messages';
import {
  type ConnectorInputs,
  ConnectorProcess,
  type ConnectorProcessOptions,
} from './connector-process';
import type { ConnectorVerb } from './connector-command';
import {
  checkConnectorSpec,
  connectorName,
  type ConnectorSpec,
  isDockerConnector,
} from './connector-spec';
import { ensureDockerEngine } from './docker-engine';
import { parseMessageLine, preview } from './parse-message';

/** Default longest `spec`, `check` or `discover`: 10 minutes. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;

/** Options of {@link AirbyteConnector}. */
export interface AirbyteConnectorOptions extends ConnectorProcessOptions {
  /** Receives the connector's LOG lines, stderr lines and non-JSON stdout lines. Default: dropped. */
  readonly logger?: ConnectorLogger;
  /**
   * What a stdout line that is not an Airbyte message means: `'log'` (logged at info, as Airbyte's
   * platform and PyAirbyte treat it) or `'error'` (the run fails). Either way a run that prints no
   * Airbyte message at all fails. Default: `'log'`.
   */
  readonly nonJsonLines?: 'log' | 'error';
  /** Longest stdout line, in characters. Default: 64 Mi. */
  readonly maxLineLength?: number;
  /** Longest `spec`, `check` or `discover`, in ms. Default: {@link DEFAULT_COMMAND_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** Options of `spec`, `check` and `discover`. */
export interface CommandOptions {
  /** Stops the connector when aborted; the command then throws the abort reason. */
  readonly signal?: AbortSignal;
}

/** What `read` needs. */
export interface ReadInput {
  readonly config: JsonObject;
  /** The configured catalog (see `configureCatalog`). */
  readonly catalog: unknown;
  /** The `--state` file text, e.g. `provider.toStateInputFileText()`; absent: no state. */
  readonly stateText?: string;
  /** Stops the connector when aborted; the read then throws the abort reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs an Airbyte source connector (a local executable or a Docker image) the way Airbyte's
 * platform does: one process per command, files for config, catalog and state, and the protocol
 * on stdout. LOG lines go to the logger; a TRACE error or a non-zero exit becomes a
 * {@link ConnectorError} carrying the connector's own error text.
 */
export class AirbyteConnector {
  /** What runs. */
  readonly definition: ConnectorSpec;
  /** Its name, for state and messages (see `connectorName`). */
  readonly name: string;
  private readonly logger: ConnectorLogger;

  constructor(
    definition: ConnectorSpec,
    private readonly options: AirbyteConnectorOptions = {},
  ) {
    this.definition = checkConnectorSpec(definition);
    this.name = connectorName(this.definition);
    this.logger = options.logger ?? silentLogger;
  }

  /** The connector's specification (`spec`): its config's JSON schema and more. */
  async spec(options: CommandOptions = {}): Promise<JsonObject> {
    const message = await this.answer<SpecMessage>('spec', {}, 'SPEC', options.signal);
    return message.spec;
  }

  /** Checks a config (`check`); throws a non-retryable `ConnectorConfigError` with the connector's reason when it fails. */
  async check(config: JsonObject, options: CommandOptions = {}): Promise<void> {
    const message = await this.answer<ConnectionStatusMessage>(
      'check',
      { config },
      'CONNECTION_STATUS',
      options.signal,
    );
    if (message.connectionStatus.status !== 'SUCCEEDED') {
      throw new ConnectorError(
        'ConnectorConfigError',
        `${this.name} check failed: ${message.connectionStatus.message ?? message.connectionStatus.status}`,
      );
    }
  }

  /** The streams the connector offers with this config (`discover`). */
  async discover(config: JsonObject, options: CommandOptions = {}): Promise<AirbyteCatalog> {
    const message = await this.answer<CatalogMessage>(
      'discover',
      { config },
      'CATALOG',
      options.signal,
    );
    if (!Array.isArray(message.catalog?.streams))
      throw new ConnectorError(
        'ConnectorProtocolError',
        `${this.name} discover wrote a CATALOG without streams.`,
      );
    return message.catalog;
  }

  /**
   * Reads (`read --config --catalog [--state]`) and yields RECORD, STATE, TRACE and CONTROL
   * messages as the connector writes them, one at a time: nothing is held beyond the line being
   * handled, and the connector waits while the caller is busy. Ending the iteration early stops
   * the connector. Throws at the end if the connector failed.
   */
  read(input: ReadInput): AsyncGenerator<ConnectorMessage> {
    return this.messages(
      'read',
      { config: input.config, catalog: input.catalog, stateText: input.stateText },
      input.signal,
    );
  }

  private async answer<M extends ConnectorMessage>(
    verb: ConnectorVerb,
    inputs: ConnectorInputs,
    type: M['type'],
    stop: AbortSignal | undefined,
  ): Promise<M> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
    let found: M | undefined;
    try {
      for await (const message of this.messages(verb, inputs, signal)) {
        if (message.type === type) found ??= message as M;
      }
    } catch (error) {
      if (timeout.aborted && error === timeout.reason)
        throw new ConnectorError(
          'ConnectorFailed',
          `${this.name} ${verb} did not finish within ${timeoutMs} ms.`,
          true,
        );
      throw error;
    }
    if (found === undefined)
      throw new ConnectorError(
        'ConnectorProtocolError',
        `${this.name} ${verb} exited without writing a ${type} message.`,
      );
    return found;
  }

  private async *messages(
    verb: ConnectorVerb,
    inputs: ConnectorInputs,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<ConnectorMessage> {
    signal?.throwIfAborted();
    const spec = this.definition;
    if (isDockerConnector(spec))
      await ensureDockerEngine(spec.dockerImage, this.options.dockerPath);
    const meta = { connector: this.name, command: verb };
    const run = await ConnectorProcess.start(spec, verb, inputs, {
      ...this.options,
      onStderrLine: (line) => this.logger.info(line, { ...meta, stream: 'stderr' }),
    });
    const stop = () => void run.stop();
    signal?.addEventListener('abort', stop);
    const failure = new ConnectorFailure(`${this.name} ${verb}`);
    let messages = 0;
    const otherLines: string[] = [];
    try {
      for await (const line of run.lines(this.options.maxLineLength)) {
        const parsed = parseMessageLine(line);
        if (parsed.text !== undefined) {
          if (this.options.nonJsonLines === 'error')
            throw new ConnectorError(
              'ConnectorProtocolError',
              `${this.name} ${verb} wrote a stdout line that is ${parsed.reason}: ${preview(line)}`,
            );
          if (otherLines.length < 3) otherLines.push(preview(line, 100));
          this.logger.info(line, { ...meta, stream: 'stdout' });
          continue;
        }
        messages++;
        const message = parsed.message;
        if (message.type === 'LOG') {
          const level = String(message.log?.level ?? 'INFO');
          const text = String(message.log?.message ?? '');
          if (level === 'ERROR' || level === 'FATAL') failure.errorLog(text);
          forwardLog(this.logger, level, text, meta);
          continue;
        }
        if (message.type === 'TRACE' && message.trace?.type === 'ERROR') {
          const error = message.trace.error ?? {};
          failure.traceError(error);
          this.logger.error(error.message ?? 'TRACE error', {
            ...meta,
            failureType: error.failure_type,
          });
        }
        yield message;
      }
      const exit = await run.exited;
      signal?.throwIfAborted();
      const error = failure.toError(exit, run.stderrTail());
      if (error) throw error;
      if (messages === 0)
        throw new ConnectorError(
          'ConnectorProtocolError',
          `${this.name} ${verb} wrote no Airbyte message` +
            (otherLines.length > 0
              ? ` (its stdout began: ${otherLines.map((l) => JSON.stringify(l)).join(', ')}); is it an Airbyte connector?`
              : '; is it an Airbyte connector?'),
        );
    } catch (error) {
      signal?.throwIfAborted(); // an abort explains any error it caused
      throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
      await run.dispose();
    }
  }
}
