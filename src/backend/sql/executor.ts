/**
 * The one thing the SQL layer needs from MikroORM: run a statement with `?` parameters.
 * MikroORM's `EntityManager` satisfies it (and runs inside its transaction, if any), so callers
 * can pass their own transactional EntityManager to make our writes part of their transaction.
 */
export interface SqlExecutor {
  execute(query: string, params?: unknown[], method?: 'all' | 'get' | 'run'): Promise<unknown>;
}

/** What MikroORM's PostgreSQL driver returns for a `'run'` statement. */
export interface RunResult {
  readonly affectedRows: number;
  readonly rows?: Record<string, unknown>[];
}

/**
 * Quotes a PostgreSQL identifier. Names are validated before; this keeps them exact. A `?` is
 * written as a Unicode escape (`U&"price\003F"`), because MikroORM, knex and our prepared
 * statements all read every `?` in the SQL text as a parameter, quoted or not.
 */
export function quoteIdent(name: string): string {
  const quoted = name.replaceAll('"', '""');
  if (!quoted.includes('?')) return `"${quoted}"`;
  return `U&"${quoted.replaceAll('\\', '\\\\').replaceAll('?', '\\003F')}"`;
}

/** The schema-qualified, quoted names of the tables the backend works on. */
export interface StateTables {
  readonly schema: string;
  /** `_airbyte_state`. */
  readonly cache: string;
  /** `_airbyte_destination_state`. */
  readonly destination: string;
  /** `_sync_state_connections`. */
  readonly connections: string;
  /** `_sync_state_checkpoints`. */
  readonly checkpoints: string;
  /** `_sync_state_history`. */
  readonly history: string;
  /** `_sync_state_tables`: the stream that owns each record table. */
  readonly recordTables: string;
  /** `_sync_state_generations`: the generation and refresh of each stream of a connection. */
  readonly generations: string;
}

/** Names of the state tables in `schema`. */
export function stateTables(schema: string): StateTables {
  const s = quoteIdent(schema);
  return {
    schema,
    cache: `${s}."_airbyte_state"`,
    destination: `${s}."_airbyte_destination_state"`,
    connections: `${s}."_sync_state_connections"`,
    checkpoints: `${s}."_sync_state_checkpoints"`,
    history: `${s}."_sync_state_history"`,
    recordTables: `${s}."_sync_state_tables"`,
    generations: `${s}."_sync_state_generations"`,
  };
}
