import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AirbyteCatalog } from '../src/connectors/connector-messages';
import { AirbyteConnector } from '../src/connectors/airbyte-connector';
import { ConnectorError } from '../src/connectors/connector-error';
import type { ConnectorProcessOptions } from '../src/connectors/connector-process';
import { checkConnectorSpec, type ConnectorSpec } from '../src/connectors/connector-spec';
import { ProgressReporter } from '../src/connectors/progress-reporter';
import { syncConnector } from '../src/connectors/sync-connector';
import type {
  ConnectorCommits,
  SyncConnectorInput,
  SyncConnectorResult,
} from '../src/connectors/sync-types';
import { describeValue, InvalidInputError } from '../src/errors';
import type { JsonObject } from '../src/protocol/types';
import { isPlainObject } from '../src/protocol/validate';
import type { CheckpointEntry } from '../src/sync/types';
import { CONNECTOR_PROGRESS_SIGNAL_NAME } from '../workflows/connector-progress';
import { asActivity } from './as-activity';
import type { BackendSource } from './create-state-activities';
import type { SqlStateBackend } from '../src/backend/sql-state-backend';

/** Heartbeat interval when the activity has no heartbeat timeout. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

/** Options of {@link createConnectorActivities}. */
export interface ConnectorActivityOptions extends ConnectorProcessOptions {
  /**
   * Which connectors this worker may run. A workflow's input names the executable or image, so
   * a worker that serves untrusted starters should allow only known ones. Default: any.
   */
  readonly allowConnector?: (connector: ConnectorSpec) => boolean;
}

/** Input of `checkConnector` and `discoverConnector`. */
export interface ConnectorConfigInput {
  readonly connector: ConnectorSpec;
  readonly config: JsonObject;
}

/** What the `syncConnector` activity heartbeats: its last commit. */
export interface ConnectorHeartbeat {
  readonly epoch: number;
  /** Commits of this attempt so far. */
  readonly commits: number;
  /** The last checkpoint rows committed. */
  readonly lastCommit: readonly CheckpointEntry[];
}

/**
 * Activities that run Airbyte connectors on the worker. `syncConnector` syncs a connector into
 * the backend's database, committing at each STATE; `checkConnector` and `discoverConnector`
 * answer a UI. Register them next to the `SyncStatePlugin`:
 * `activities: createConnectorActivities(() => plugin.backend)`.
 */
export function createConnectorActivities(
  backend: BackendSource,
  options: ConnectorActivityOptions = {},
) {
  const get = typeof backend === 'function' ? backend : () => backend;
  const connector = (input: unknown): AirbyteConnector => {
    const value = isPlainObject(input) ? input : {};
    const spec = checkConnectorSpec(value.connector);
    if (options.allowConnector && !options.allowConnector(spec))
      throw new InvalidInputError(
        'connector',
        'a connector this worker is allowed to run',
        describeValue(value.connector),
      );
    return new AirbyteConnector(spec, { ...options, logger: Context.current().log });
  };
  return {
    /**
     * Runs a connector's `read` from the stored state and commits, at each STATE, the records
     * received since the previous one with that state, in one transaction. Heartbeats its last
     * commit; a retry restarts the connector from the state in the database.
     */
    syncConnector: (input: SyncConnectorInput): Promise<SyncConnectorResult> =>
      asConnectorActivity(async () => {
        connector(input); // checks the connector against allowConnector first
        return runSync(get(), input, options);
      }),

    /** Checks a connector's config (`check`); fails with `ConnectorConfigError` and its reason. */
    checkConnector: (input: ConnectorConfigInput): Promise<{ status: 'SUCCEEDED' }> =>
      asConnectorActivity(async () => {
        await connector(input).check(checkConfig(input), {
          signal: Context.current().cancellationSignal,
        });
        return { status: 'SUCCEEDED' as const };
      }),

    /** The streams a connector offers with a config (`discover`). */
    discoverConnector: (input: ConnectorConfigInput): Promise<AirbyteCatalog> =>
      asConnectorActivity(() =>
        connector(input).discover(checkConfig(input), {
          signal: Context.current().cancellationSignal,
        }),
      ),
  };
}

/** The connector activities, as workflows type them: `proxyActivities<ConnectorActivities>(...)`. */
export type ConnectorActivities = ReturnType<typeof createConnectorActivities>;

async function runSync(
  backend: SqlStateBackend,
  input: SyncConnectorInput,
  options: ConnectorActivityOptions,
): Promise<SyncConnectorResult> {
  const context = Context.current();
  const { info, log } = context;
  const execution = info.workflowExecution;
  if (execution === undefined)
    throw new InvalidInputError(
      'syncConnector',
      'a call from a workflow (it claims the connection for its run)',
      'a standalone activity',
    );
  const { workflowId, runId } = execution;
  if (info.attempt > 1)
    log.info('Restarting the connector from the state in the database', {
      previousAttempt: info.heartbeatDetails as unknown,
    });
  let heartbeat: ConnectorHeartbeat = { epoch: 0, commits: 0, lastCommit: [] };
  const progressIntervalMs = isPlainObject(input) ? input.progressIntervalMs : undefined;
  const reporter =
    typeof progressIntervalMs === 'number'
      ? new ProgressReporter(progressIntervalMs, (commits) => signalProgress(commits))
      : undefined;
  let signalFailed = false;
  async function signalProgress(commits: ConnectorCommits): Promise<void> {
    try {
      await context.client.workflow
        .getHandle(workflowId, runId)
        .signal(CONNECTOR_PROGRESS_SIGNAL_NAME, commits);
    } catch (error) {
      // Progress is a courtesy: the database has the commits, and the result carries them all.
      if (!signalFailed)
        log.warn('Could not report progress to the workflow', { error: String(error) });
      signalFailed = true;
    }
  }
  // Heartbeat between commits too (a connector may be quiet for long); the SDK throttles the calls.
  const every = Math.min(
    info.heartbeatTimeoutMs
      ? Math.max(info.heartbeatTimeoutMs / 3, 100)
      : DEFAULT_HEARTBEAT_INTERVAL_MS,
    DEFAULT_HEARTBEAT_INTERVAL_MS,
  );
  const timer = setInterval(() => {
    context.heartbeat(heartbeat);
    void reporter?.sendIfDue();
  }, every);
  try {
    context.heartbeat(heartbeat);
    return await syncConnector(backend, input, {
      runOwner: runId,
      attempt: info.attempt,
      defaultSyncId: `${workflowId}/${runId}`,
      logger: log,
      signal: context.cancellationSignal,
      connectorOptions: options,
      onCommit: async (commits) => {
        heartbeat = {
          epoch: commits.epoch,
          commits: heartbeat.commits + 1,
          lastCommit: commits.checkpoints,
        };
        context.heartbeat(heartbeat);
        await reporter?.add(commits);
      },
    });
  } finally {
    clearInterval(timer);
  }
}

/** Runs an activity body; connector failures that may be transient stay retryable, with their type. */
function asConnectorActivity<T>(body: () => Promise<T>): Promise<T> {
  return asActivity(async () => {
    try {
      return await body();
    } catch (error) {
      if (error instanceof ConnectorError && error.retryable)
        throw ApplicationFailure.create({
          message: error.message,
          type: error.type,
          nonRetryable: false,
        });
      throw error;
    }
  });
}

function checkConfig(input: unknown): JsonObject {
  const config = isPlainObject(input) ? input.config : undefined;
  if (!isPlainObject(config))
    throw new InvalidInputError(
      'config',
      "the connector's config, a JSON object",
      describeValue(config),
    );
  return config as JsonObject;
}
