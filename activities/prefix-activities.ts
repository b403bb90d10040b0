/**
 * Registers activities under `prefix + name`, so that ours cannot clash with a worker's own
 * activities of the same name. Workflows then pass the same prefix to the workflow helpers.
 */
export function prefixActivities<T extends Record<string, unknown>>(
  activities: T,
  prefix: string,
): Record<string, T[keyof T]> {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [prefix + name, fn]),
  ) as Record<string, T[keyof T]>;
}
