import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runChaos } from '../../chaos/harness';
import { newSeed } from '../../chaos/random';
import type { Scenario, ScenarioResult } from '../../chaos/scenario';
import { TEST_SIZE } from '../../chaos/sizes';

/** Options of {@link runScenarioAtTestSize}. */
export interface TestScenarioOptions {
  /** Start an embedded PostgreSQL of its own (to stop and start it) instead of DATABASE_URL's. Default: false. */
  readonly ownPostgres?: boolean;
}

/**
 * Runs one chaos scenario at the test size, on its own Temporal dev server and (unless
 * `ownPostgres`) a database of its own on `npm test`'s PostgreSQL. The seed is random, or
 * CHAOS_SEED; a failing run keeps its evidence in `.tmp/` and its message says where and how to
 * replay it. Returns the result with `context` to put into assertion messages.
 */
export async function runScenarioAtTestSize(
  scenario: Scenario,
  options: TestScenarioOptions = {},
): Promise<ScenarioResult & { readonly context: string }> {
  const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : newSeed();
  const runDir = join(__dirname, '..', '..', '.tmp', `chaos-test-${scenario.name}-${Date.now()}`);
  const report = await runChaos({
    seed,
    size: TEST_SIZE,
    scenarios: [scenario],
    runDir,
    adminUrl: options.ownPostgres ? undefined : process.env.DATABASE_URL,
  });
  const result = report.scenarios[0];
  if (!result) throw new Error(`the scenario ${scenario.name} did not run (seed ${seed})`);
  if (report.passed) await rm(runDir, { recursive: true, force: true });
  return {
    ...result,
    context: `seed ${seed} (replay: CHAOS_SEED=${seed} npm test -- test/chaos/${scenario.name}.test.ts); evidence in ${runDir}; problems: ${JSON.stringify(result.problems)}`,
  };
}
