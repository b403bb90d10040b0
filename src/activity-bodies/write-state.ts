import { checkTablePrefix } from '../backend/options';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { CommitFence } from '../backend/commit/types';
import { describeValue, InvalidInputError } from '../errors';
import { type PreparedStateMessage, prepareStateMessage } from '../protocol/validate';
import { checkConnectionId, checkInteger, checkObject } from './check-input';
import { checkGetStateInput } from './state-snapshot';
import type { WriteStateResult } from './types';

/**
 * The `writeState` activity's body: writes state messages in one transaction through the commit
 * step, so that it passes the same fence as a commit. With `connectionId` and `epoch` it is the
 * write of that run; without, it is refused while a run of a connection syncs this state, unless
 * `force` (which fences those runs and is recorded in the history).
 */
export async function writeStateMessages(
  backend: SqlStateBackend,
  input: unknown,
): Promise<WriteStateResult> {
  const owner = checkGetStateInput(input);
  const value = checkObject('input', input);
  if (!Array.isArray(value.messages))
    throw new InvalidInputError(
      'messages',
      'an array of state messages',
      describeValue(value.messages),
    );
  const fence = checkFence(value);
  // Several messages for one stream: the last one wins, as if written one after the other.
  const latest = new Map<string, PreparedStateMessage>();
  for (const message of value.messages as unknown[]) {
    const prepared = prepareStateMessage(message, { maxBytes: backend.maxStateBytes });
    const id = JSON.stringify([prepared.namespace, prepared.streamName]);
    latest.delete(id);
    latest.set(id, prepared);
  }
  if (latest.size === 0) return { written: 0 };
  await backend.commits.commit({
    fence,
    streams: [],
    state: {
      owner: {
        sourceName: owner.sourceName,
        destinationName: owner.destinationName,
        tablePrefix: checkTablePrefix(owner.tablePrefix ?? backend.tablePrefix),
      },
      messages: [...latest.values()],
    },
  });
  return { written: latest.size };
}

function checkFence(value: Record<string, unknown>): CommitFence {
  const given = (key: string) => value[key] !== undefined && value[key] !== null;
  if (given('force') && typeof value.force !== 'boolean')
    throw new InvalidInputError('force', 'true or false', describeValue(value.force));
  if (given('connectionId')) {
    if (value.force === true)
      throw new InvalidInputError(
        'force',
        'no force with a connectionId (a run writes with its claim; force is for writes outside any run)',
        'true',
      );
    if (!given('epoch'))
      throw new InvalidInputError('epoch', "the run's epoch with its connectionId", 'nothing');
    return {
      connectionId: checkConnectionId(value.connectionId),
      epoch: checkInteger('epoch', value.epoch, 1),
    };
  }
  if (given('epoch'))
    throw new InvalidInputError('connectionId', 'the connection of the epoch', 'nothing');
  return { force: value.force === true };
}
