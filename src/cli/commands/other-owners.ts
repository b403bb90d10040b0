import type { SqlStateBackend } from '../../backend/sql-state-backend';
import { listStates } from '../../operations/list-states';
import { plural } from '../format';
import type { CliOwner } from './shared';

/**
 * Where else `owner.sourceName` has state (other table prefixes, destinations), as the options
 * that name it, e.g. ` It has state with --table-prefix demo_1_ (3 streams).`; empty when none.
 * A demo or a connector stores state under a prefix, and `state get SOURCE` alone looks at "".
 */
export async function otherOwnersHint(backend: SqlStateBackend, owner: CliOwner): Promise<string> {
  const counts = new Map<string, number>();
  for (const entry of await listStates(backend, { sourceName: owner.sourceName })) {
    const options = [];
    if (entry.destinationName !== null) options.push(`--destination ${entry.destinationName}`);
    if (entry.tablePrefix) options.push(`--table-prefix ${entry.tablePrefix}`);
    if (
      (entry.destinationName ?? undefined) === owner.destinationName &&
      (entry.tablePrefix ?? '') === owner.tablePrefix
    )
      continue;
    const key = options.length > 0 ? options.join(' ') : 'no --destination and no --table-prefix';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) return '';
  const where = [...counts].map(([options, n]) => `${options} (${plural(n, 'stream')})`);
  return ` It has state with ${where.join('; with ')}.`;
}
