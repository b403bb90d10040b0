import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import fc from 'fast-check';
import { Client } from 'pg';
import { createStateActivities } from '../../activities';
import { SqlStateBackend } from '../../src/backend/sql-state-backend';
import { BAD_INPUT_MAX_STATE_BYTES, type BadCall, badCall } from '../bad-inputs';
import {
  emptyFigures,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
} from '../scenario';

const title =
  'generated bad inputs through the activity boundary: writeState, commitBatch, syncBatch and its reader';

/** The failure types a bad input may get (src/errors.ts). */
const REFUSALS = ['InvalidInput', 'InvalidStateMessage'];

/**
 * (i) Generated bad inputs (fast-check, seeded by the run): each is a valid call with one thing
 * broken (chaos/bad-inputs.ts) and must be refused with a named, non-retryable failure that says
 * what was wrong; the database must be exactly as it was after all of them.
 */
export const badInput: Scenario = {
  name: 'bad-input',
  title,
  promise:
    'Whatever a workflow (in any SDK) or a reader hands to an activity, a bad value gets a clear, named, non-retryable failure and changes nothing in the database.',
  faults: `generated calls of writeState, commitBatch and syncBatch, each with one thing broken (a corrupted state message, bad records, a bad input field, a reader that breaks its contract)`,
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const started = Date.now();
    const problems: string[] = [];
    const backend = await SqlStateBackend.connect({
      url: ctx.databaseUrl,
      maxStateBytes: BAD_INPUT_MAX_STATE_BYTES,
    });
    let readResult: unknown;
    const activities = createStateActivities(backend, {
      readers: { fuzz: () => Promise.resolve(readResult as never) },
    });
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'bad-input', runId: 'r' } },
      { logger: new DefaultLogger('ERROR') },
    );
    const byKind: Record<string, number> = {};
    let calls = 0;
    try {
      // Something to protect: a state and a committed batch.
      await env.run(activities.writeState, {
        sourceName: 'fuzz',
        messages: [
          {
            type: 'STREAM' as const,
            stream: { stream_descriptor: { name: 'users' }, stream_state: {} },
          },
        ],
      });
      const before = await snapshot(ctx.databaseUrl);
      await fc.assert(
        fc.asyncProperty(badCall, async (call: BadCall) => {
          calls++;
          readResult = call.readResult;
          const fn = activities[call.activity] as (input: unknown) => Promise<unknown>;
          const failure = await refusal(env.run(fn, call.input));
          if (!failure) throw new Error(`${call.activity} accepted ${call.broken}`);
          if (!(failure instanceof ApplicationFailure) || !failure.nonRetryable)
            throw new Error(
              `${call.activity} with ${call.broken} failed retryably: ${failure instanceof Error ? failure.message : JSON.stringify(failure)}`,
            );
          if (!REFUSALS.includes(failure.type ?? '') || failure.message.length < 10)
            throw new Error(
              `${call.activity} with ${call.broken} failed as ${failure.type}: ${failure.message}`,
            );
          byKind[call.activity] = (byKind[call.activity] ?? 0) + 1;
        }),
        { numRuns: ctx.size.badInputs, seed: ctx.seed, endOnFailure: true },
      );
      if (JSON.stringify(await snapshot(ctx.databaseUrl)) !== JSON.stringify(before))
        problems.push('the database changed under the bad inputs');
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    } finally {
      await backend.close();
    }
    const refused = Object.values(byKind).reduce((a, b) => a + b, 0);
    ctx.log(`bad-input: ${refused} of ${calls} generated bad calls refused`);
    return {
      name: 'bad-input',
      title,
      passed: problems.length === 0,
      problems,
      figures: { ...emptyFigures(Date.now() - started), badInputsRefused: refused },
      checks: [],
      monitor: { samples: 0, failedReads: 0, moves: 0, backwards: [], maxConnections: {} },
      notes: [
        `${refused} generated bad calls refused (${Object.entries(byKind)
          .map(([k, n]) => `${k} ${n}`)
          .join(
            ', ',
          )}), each non-retryably with InvalidInput or InvalidStateMessage; the database unchanged.`,
      ],
    };
  },
};

/** The error a call failed with, or undefined when it succeeded. */
async function refusal(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Every row of every table, in a stable order: what "changes nothing" compares. */
async function snapshot(url: string): Promise<unknown> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ t: string }>(
      `select tablename as t from pg_tables where schemaname = 'public' order by 1`,
    );
    const out: Record<string, unknown> = {};
    for (const { t } of tables)
      if (t !== '_sync_state_migrations')
        out[t] = (
          await client.query(`select * from ${client.escapeIdentifier(t)} order by 1, 2`)
        ).rows;
    return out;
  } finally {
    await client.end();
  }
}
