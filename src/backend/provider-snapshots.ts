import type { StateProvider } from './state-provider';

/** Most snapshots a backend keeps; reading another selection evicts the least recently used. */
export const MAX_PROVIDER_SNAPSHOTS = 100;

/** What a provider read: one source's rows, filtered by destination, table prefix and streams. */
export interface SnapshotSelection {
  readonly sourceName: string;
  readonly destinationName?: string | undefined;
  readonly tablePrefix: string;
  readonly streams?: readonly string[] | undefined;
}

/**
 * The last provider read for each selection, which `getStateProvider({ refresh: false })`
 * returns again. A write through the backend forgets its source's snapshots. Bounded, because a
 * worker that reads the state of thousands of connections must not keep all their rows.
 */
export class ProviderSnapshots {
  private readonly entries = new Map<
    string,
    { readonly sourceName: string; readonly provider: StateProvider }
  >();

  /** The snapshot of `selection`, if one is kept (it becomes the most recently used). */
  get(selection: SnapshotSelection): StateProvider | undefined {
    const key = snapshotKey(selection);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.provider;
  }

  set(selection: SnapshotSelection, provider: StateProvider): void {
    const key = snapshotKey(selection);
    this.entries.delete(key);
    this.entries.set(key, { sourceName: selection.sourceName, provider });
    if (this.entries.size > MAX_PROVIDER_SNAPSHOTS) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Forgets every snapshot of `sourceName` (its state just changed). */
  forgetSource(sourceName: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.sourceName === sourceName) this.entries.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

function snapshotKey(selection: SnapshotSelection): string {
  return JSON.stringify([
    selection.sourceName,
    selection.destinationName ?? null,
    selection.tablePrefix,
    selection.streams ?? null,
  ]);
}
