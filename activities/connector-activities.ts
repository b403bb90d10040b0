import { Context, type Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AirbyteCatalog } from '../src/connectors/connector-messages';
import { AirbyteConnector } from '../src/connectors/airbyte-connector';
import { ConnectorAllowlist, type ConnectorRef } from '../src/connectors/connector-allowlist';
import { ConnectorError } from '../src/connectors/connector-error';
import type { ConnectorProcessOptions } from '../src/connectors/connector-process';
import { connectorName, type ConnectorSpec } from '../src/connectors/connector-spec';
import { ProgressReporter } from '../src/connectors/progress-reporter';
import {
  refreshStreams,
  type RefreshStreamsInput,
  type RefreshStreamsResult,
} from '../src/connectors/refresh-streams';
import { syncConnector } from '../src/connectors/sync-connector';
import type {
  ConnectorCommits,
  SyncConnectorActivityInput,
  SyncConnectorResult,
} from '../src/connectors/sync-types';
import { describeValue, InvalidInputError } from '../src/errors';
import type { JsonObject } from '../src/protocol/types';
import { isPlainObject } from '../src/protocol/validate';
import type { CheckpointEntry } from '../src/activity-bodies/types';
import { CONNECTOR_PROGRESS_SIGNAL_NAME } from '../workflows/connector-progress';
import { asActivity } from './as-activity';
import type { BackendSource } from './create-state-activities';
import type { SqlStateBackend } from '../src/backend/sql-state-backend';

/** Heartbeat interval when the activity has no heartbeat timeout. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

/** Options of {@link createConnectorActivities}. */
export interface ConnectorActivityOptions extends ConnectorProcessOptions {
  /**
   * The connectors this worker may run, each with everything about how it runs (executable or
   * image, args, cwd, env, passEnv, network) and a name no other entry has. A workflow names an
   * entry (by name, or by its exact executable or image) and can change nothing else. Default:
   * none, so nothing runs.
   */
  readonly connectors?: readonly ConnectorSpec[];
}

/** Input of `checkConnector` and `discoverConnector`. */
export interface ConnectorConfigInput {
  /** An allowlist entry's name, or its exact executable or image. */
  readonly connector: ConnectorRef;
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
 * Activities that run Airbyte connectors on the worker, only those of its allowlist
 * (`options.connectors`). `syncConnector` syncs a connector into the backend's database,
 * committing at each STATE; `checkConnector` and `discoverConnector` answer a UI. Register them
 * next to the `SyncStatePlugin`:
 * `activities: createConnectorActivities(() => plugin.backend, { connectors: [...] })`.
 * Throws `InvalidInputError` for a bad allowlist entry.
 */
export function createConnectorActivities(
  backend: BackendSource,
  options: ConnectorActivityOptions = {},
) {
  const get = typeof backend === 'function' ? backend : () => backend;
  const allowlist = new ConnectorAllowlist(options.connectors);
  // Before anything runs or changes: a refused connector fails here, non-retryably.
  const allowed = (input: unknown): ConnectorSpec =>
    allowlist.resolve(isPlainObject(input) ? input.connector : undefined);
  const connector = (input: unknown): AirbyteConnector =>
    new AirbyteConnector(allowed(input), { ...options, logger: Context.current().log });
  return {
    /**
     * The allowlist entry a workflow's connector reference names, as its name (the default
     * source name of its state); fails with `ConnectorNotAllowed` for any other. Runs nothing.
     */
    resolveConnector: (input: { readonly connector: ConnectorRef }): Promise<{ name: string }> =>
      asConnectorActivity(() => Promise.resolve({ name: connectorName(allowed(input)) })),

    /**
     * Runs a connector's `read` from the stored state and commits, at each STATE, the records
     * received since the previous one with that state, in one transaction. Heartbeats its last
     * commit; a retry restarts the connector from the state in the database.
     */
    syncConnector: (input: SyncConnectorActivityInput): Promise<SyncConnectorResult> =>
      asConnectorActivity(async () => {
        const spec = allowed(input);
        return runSync(get(), { ...(input as object), connector: spec }, options);
      }),

    /**
     * Requests a refresh of streams of a connection (`refreshStreams`, as the CLI's `sync
     * refresh`): the `refreshStreams` update of `connectorSyncWorkflow` runs it. Runs nothing.
     */
    refreshStreams: (input: RefreshStreamsInput): Promise<RefreshStreamsResult> =>
      asActivity(() => refreshStreams(get(), input)),

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
  input: Record<string, unknown>,
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
  const progressIntervalMs = input.progressIntervalMs;
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
      invocation: invocationOrder(info),
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

/**
 * Orders this call of `syncConnector` among the calls of its workflow run, so that a later call
 * may take the connection over from an earlier one and never the other way round. Temporal's
 * SDKs number a run's activities 1, 2, 3… as their default activity id; a custom id that is not
 * such a number falls back to the time the call was first scheduled (the same for every attempt).
 */
function invocationOrder(info: Info): number {
  return /^[1-9][0-9]{0,14}$/.test(info.activityId)
    ? Number(info.activityId)
    : info.scheduledTimestampMs;
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
