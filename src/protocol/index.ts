export * from './types';
export { DEFAULT_MAX_STATE_BYTES, MAX_NAME_BYTES, MAX_TABLE_PREFIX_LENGTH } from './limits';
export {
  validateStateMessage,
  prepareStateMessage,
  nameProblem,
  findJsonProblem,
  isPlainObject,
} from './validate';
export type { ValidateOptions, PreparedStateMessage, JsonProblem } from './validate';
export { toStateInputFileText, parseStateInputFileText } from './state-file';
export { streamStatesOf } from './stream-states';
export type { StreamStateEntry } from './stream-states';
export { DEFAULT_MAX_PAYLOAD_BYTES, jsonBytes } from './json-bytes';
export { parseExactJson, stringifyExactJson } from './exact-json';
