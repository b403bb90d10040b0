import type { AppSettings } from './settings';

/**
 * What a kept demo prints: the variables to export (the real database URL: the embedded
 * PostgreSQL's password is random) and the commands to try against it in another shell.
 */
export function keptSession(
  say: (line?: string) => void,
  settings: AppSettings,
  connectionId: string,
  tablePrefix: string,
): void {
  say();
  say('Kept running until Ctrl-C or SIGTERM. In another shell, in this folder:');
  say(`  export DATABASE_URL='${settings.databaseUrl ?? ''}'`);
  say(`  export TEMPORAL_ADDRESS=${settings.temporal.address ?? ''}`);
  if (settings.temporal.namespace !== 'default')
    say(`  export TEMPORAL_NAMESPACE=${settings.temporal.namespace}`);
  say(`  export SYNC_TASK_QUEUE=${settings.taskQueue}`);
  say('  npm run cli -- state list');
  say(`  npm run cli -- state get sample-source --table-prefix ${tablePrefix}`);
  say(`  npm run cli -- sync status ${connectionId}`);
  say(`  npm run cli -- state history sample-source --table-prefix ${tablePrefix} --stream users`);
  say(
    `  npm run sync -- --connection ${connectionId} --table-prefix ${tablePrefix} --records 60000`,
  );
  say(`The demo's worker serves task queue "${settings.taskQueue}": that sync runs on it.`);
}
