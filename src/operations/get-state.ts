import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { SqlExecutor } from '../backend/executor';
import { checkStreamSelector } from '../backend/state-history';
import type { StreamRef } from '../backend/state-provider';
import { StateNotFoundError } from '../errors';
import type { AirbyteStateMessage } from '../protocol/types';
import { resolveOwner } from './owner';
import type { StateDocument, StateOwnerRef } from './types';

/** Options of {@link getState}. */
export interface GetStateOptions {
  /**
   * Only these streams' STREAM messages (`_GLOBAL` / `_LEGACY` for those kinds); a bare name
   * selects it in every namespace. A stream without state throws `StateNotFoundError`.
   * Default: every message.
   */
  readonly streams?: readonly StreamRef[];
  /** Read through this executor (e.g. inside your transaction). Default: a fresh fork. */
  readonly em?: SqlExecutor;
}

/** The stored state of an owner, in the form that {@link setState} accepts back as it is. */
export async function getState(
  backend: SqlStateBackend,
  owner: StateOwnerRef,
  options: GetStateOptions = {},
): Promise<StateDocument> {
  const resolved = resolveOwner(backend, owner);
  const streams = options.streams?.map((s, i) => checkStreamSelector(`streams[${i}]`, s));
  const provider = await backend.getStateProvider(resolved.sourceName, {
    destinationName: resolved.destinationName,
    tablePrefix: resolved.tablePrefix,
    em: options.em,
  });
  let messages = [...provider.stateMessageArtifacts];
  if (streams) {
    const wanted = streams.map((stream) => {
      const found = messages.filter(
        (m) =>
          rowName(m) === stream.name &&
          (stream.namespace === undefined || rowNamespace(m) === stream.namespace),
      );
      if (found.length === 0)
        throw new StateNotFoundError(stream.name, [...new Set(messages.map(rowName))].sort());
      return found;
    });
    messages = [...new Set(wanted.flat())];
  }
  return {
    sourceName: resolved.sourceName,
    destinationName: resolved.destinationName ?? null,
    tablePrefix: resolved.tablePrefix,
    messages,
  };
}

/** The row name a message is stored under: its stream's, or `_GLOBAL` / `_LEGACY`. */
export function rowName(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM') return message.stream?.stream_descriptor.name ?? '';
  return message.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY';
}

/** The namespace a message is stored under, `''` for none. */
export function rowNamespace(message: AirbyteStateMessage): string {
  return message.type === 'STREAM' ? (message.stream?.stream_descriptor.namespace ?? '') : '';
}
