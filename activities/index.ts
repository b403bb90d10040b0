/** Temporal activities of temporal-sync-state (the `temporal-sync-state/activities` entry). */
export { createStateActivities } from './create-state-activities';
export type { BackendSource, StateActivities } from './create-state-activities';
export { asActivity } from './as-activity';
export { prefixActivities } from './prefix-activities';
export { createConnectorActivities } from './connector-activities';
export type { ConnectorActivities, ConnectorActivityOptions } from './connector-activities';
