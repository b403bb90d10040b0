import { checkName, checkTablePrefix } from '../backend/options';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { HistoryOwner } from '../backend/connections';
import { describeValue, InvalidInputError } from '../errors';
import type { StateOwnerRef } from './types';

/** An owner with every field checked and the backend's defaults filled in. */
export interface ResolvedOwner {
  readonly sourceName: string;
  readonly destinationName: string | undefined;
  readonly tablePrefix: string;
}

/** Checks an owner and fills in the backend's table prefix. */
export function resolveOwner(
  backend: SqlStateBackend,
  owner: StateOwnerRef,
  option = 'owner',
): ResolvedOwner {
  if (owner === null || typeof owner !== 'object')
    throw new InvalidInputError(option, 'an object with a sourceName', describeValue(owner));
  return {
    sourceName: checkName(`${option}.sourceName`, owner.sourceName),
    destinationName:
      owner.destinationName === undefined || owner.destinationName === null
        ? undefined
        : checkName(`${option}.destinationName`, owner.destinationName),
    tablePrefix: checkTablePrefix(owner.tablePrefix ?? backend.tablePrefix),
  };
}

/** The owner as the history keys it (`''` for the cache). */
export function historyOwner(owner: ResolvedOwner): HistoryOwner {
  return {
    sourceName: owner.sourceName,
    destinationName: owner.destinationName ?? '',
    tablePrefix: owner.tablePrefix,
  };
}

/** `source "s"`, with destination and table prefix when there are any: for messages. */
export function describeOwner(owner: ResolvedOwner): string {
  let text = `source "${owner.sourceName}"`;
  if (owner.destinationName !== undefined) text += ` at destination "${owner.destinationName}"`;
  if (owner.tablePrefix) text += ` (table prefix "${owner.tablePrefix}")`;
  return text;
}
