import { defineSignal } from '@temporalio/workflow';
import type { ConnectorCommits } from '../src/connectors/sync-types';

/** Signal name under which the `syncConnector` activity reports its commits to its workflow. */
export const CONNECTOR_PROGRESS_SIGNAL_NAME = 'temporal-sync-state.connectorProgress';

/** The commits a connector sync made since its last report: apply them with `SyncSession.recordCommits`. */
export const connectorProgressSignal = defineSignal<[ConnectorCommits]>(
  CONNECTOR_PROGRESS_SIGNAL_NAME,
);
