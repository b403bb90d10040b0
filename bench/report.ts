import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { BenchRun } from './harness';
import type { ProfileName } from './sizes';
import type { CaseRow, Figure } from './types';

/** The report as Markdown: results table, method, machine, details. */
export function renderReport(run: BenchRun): string {
  const { machine } = run;
  const load = (l: readonly number[]) => l.map((v) => v.toFixed(2)).join(' / ');
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${run.profile === 'full' ? '' : ` -- --${run.profile}`}\` on ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (${run.profile} run, ${(run.seconds / 60).toFixed(1)} min, tree ${machine.commit}). Regenerate it rather than editing it.`,
    '',
    '## Results',
    '',
    '| case | compared with | target | ours | baseline | ratio | meets target |',
    '|---|---|---|---:|---:|---|---|',
    ...run.rows.map(
      (row) =>
        `| ${cells(row.title)} | ${cells(row.comparedWith)} | ${cells(row.target)} | ${show(row.ours)} | ${show(row.baseline)} | ${cells(row.ratioText)} | ${verdict(row)} |`,
    ),
    '',
    ...notes(run.rows),
    '## Method',
    '',
    '- One process (`bench/run.ts`) measures every case and its baseline on the same database, the',
    '  same connection settings and the same machine minutes; what the report compares is the',
    '  **ratio**, because absolute figures on a shared machine are noise.',
    `- Each figure is the **median of ${run.sizes.runs} runs** (PyAirbyte: ${run.sizes.pyairbyteRuns}; Temporal syncs: ${run.sizes.syncRuns}; concurrent syncs: ${run.sizes.concurrentRuns}; the connector race: ${run.sizes.raceRuns}), after an untimed warm-up of each side; the sides alternate (AB, BA, AB, …) so that a machine growing busier or quieter favours neither.`,
    '- The library runs as users open it: `SqlStateBackend.connect` (MikroORM, pool of 10) and',
    '  `SyncStatePlugin` on a worker. The raw baseline is `pg` with a `Pool` of 10 and hand-written',
    '  SQL doing the same work (same tables, same upserts), without our validation and bookkeeping.',
    '- PyAirbyte runs as a Python subprocess (`test/pyairbyte/pyairbyte_state.py bench-write`) and is',
    '  timed inside Python, so the ~5 s `import airbyte` is not counted.',
    '- The Temporal cases run the read-and-commit path, `batchSyncWorkflow`, whose `syncBatch`',
    '  activity reads each batch with a registered reader and commits it in the worker. Its',
    '  throughput is compared with a plain in-process loop over the same reader and the same',
    '  commit step without Temporal (`bench/cases/in-process-sync.ts`): the difference is the cost of',
    '  Temporal and of the activity. The records-through-the-workflow example runs as a comparison.',
    '- The other Temporal baselines run the same workflow with `startSync`/`syncBatch` replaced by',
    '  in-memory no-ops that read with the same reader (`bench/activities/noop-state-activities.ts`):',
    '  the difference is the cost of the checkpoints, PostgreSQL work included. Worker memory is',
    '  sampled in a worker of its own (a child process) and paired with the records committed at',
    "  each sample. History sizes are the server's `historySizeBytes` of every run of a sync.",
    '- Profile one case with `node --cpu-prof --import tsx bench/run.ts --only <case>`.',
    '- Only a full run of every case writes BENCHMARKS.md; `--quick`, `--tiny` (the smoke test in',
    '  `npm test` runs that size) and `--only` runs write `.tmp/BENCHMARKS.<profile>[.partial].md`.',
    '',
    '## Machine',
    '',
    `- ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB memory (${machine.freeMemoryGiB.toFixed(1)} GiB free at start), ${machine.os}, Node ${machine.node}.`,
    `- **Shared machine**: other work may run on it at the same time; the load average shows how busy it was. Load average (1 / 5 / 15 min) at start: ${load(run.loadAtStart)}; at end: ${load(run.loadAtEnd)}. Absolute figures move with that load; the same-process ratios much less.`,
    `- PostgreSQL: ${run.database.server}; ${run.database.description}.`,
    `- Temporal: ${run.temporal ?? 'not started (no Temporal case selected)'}.`,
    '',
    '## Details',
    '',
    ...run.rows.flatMap((row) => [
      `### ${row.id}`,
      '',
      ...row.details.map((line) => `- ${line}`),
      ...(row.ours ? [`- Ours, every run: ${samples(row.ours)}.`] : []),
      ...(row.baseline ? [`- Baseline, every run: ${samples(row.baseline)}.`] : []),
      ...(row.error ? [`- Failed: ${row.error}`] : []),
      '',
    ]),
    '## Sizes',
    '',
    '```json',
    JSON.stringify(run.sizes, null, 2),
    '```',
    '',
  ];
  return lines.join('\n');
}

/**
 * Where a run's report goes unless `--out` says: BENCHMARKS.md (what the repository publishes)
 * only for a full run of every case; a quick, tiny or partial run goes to
 * `.tmp/BENCHMARKS.<profile>[.partial].md`, so that it never overwrites the published figures.
 */
export function reportPath(
  root: string,
  profile: ProfileName,
  only: readonly string[] | undefined,
): string {
  const partial = only !== undefined && only.length > 0;
  if (profile === 'full' && !partial) return join(root, 'BENCHMARKS.md');
  return join(root, '.tmp', `BENCHMARKS.${profile}${partial ? '.partial' : ''}.md`);
}

/**
 * Writes {@link renderReport}'s Markdown to `path`, formatted by the project's Prettier config so
 * that `npm run format` leaves the file as it is.
 */
export async function writeReport(path: string, run: BenchRun): Promise<void> {
  const options = await resolveConfig(path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await format(renderReport(run), { ...options, filepath: path }));
}

/** A list of the rows' notes and errors, and a blank line after it; nothing when there is none. */
function notes(rows: readonly CaseRow[]): string[] {
  const lines = rows
    .filter((row) => row.note !== undefined || row.error !== undefined)
    .map((row) => `- **${row.id}**: ${row.error ? `failed: ${row.error}` : row.note}`);
  return lines.length > 0 ? [...lines, ''] : [];
}

function show(value: Figure | undefined): string {
  if (!value || !Number.isFinite(value.median)) return '—';
  return `${number(value.median)} ${value.unit}`;
}

function samples(value: Figure): string {
  return value.samples.map((v) => number(v)).join(', ') + ` ${value.unit}`;
}

function number(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function verdict(row: CaseRow): string {
  if (row.error !== undefined) return '**failed**';
  if (row.meets === undefined) return 'skipped';
  if (row.noTarget) return '—';
  return row.meets ? 'yes' : '**no**';
}

function cells(text: string): string {
  return text.replaceAll('|', '\\|');
}
