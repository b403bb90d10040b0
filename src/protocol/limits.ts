/** Size limits shared by validation and the database layer. */

/**
 * Default upper bound of one serialized state message, in UTF-8 bytes (1 MiB). It keeps a
 * message well inside Temporal's 2 MB payload limit, so state can travel through activities.
 */
export const DEFAULT_MAX_STATE_BYTES = 1024 * 1024;

/**
 * Upper bound of a source, destination, stream or namespace name, in UTF-8 bytes. Several
 * names form one primary key, and a PostgreSQL btree entry must stay under ~2.7 kB.
 */
export const MAX_NAME_BYTES = 512;

/** Upper bound of a table prefix: it becomes part of PostgreSQL identifiers (63 bytes). */
export const MAX_TABLE_PREFIX_LENGTH = 40;
