/**
 * What the workers' events must show after a scenario: no activity failed non-retryably (but a
 * StaleCheckpoint where fencing expects it), and each kill of a worker by itself was followed by
 * the retry its fault point calls for. Also the counts of attempts the report shows.
 */
import type { ActivityEvent } from './events';
import type { ScenarioFigures } from './scenario';

/** The problems and the counts read from a scenario's events. */
export interface EventFindings {
  readonly problems: readonly string[];
  readonly figures: Pick<
    ScenarioFigures,
    | 'killsAfterCommit'
    | 'killsAfterCommitConfirmed'
    | 'killsInRead'
    | 'killsAfterRead'
    | 'killsBeforeCommitConfirmed'
    | 'activityAttempts'
    | 'retriedAttempts'
    | 'failedAttempts'
    | 'alreadyCommitted'
    | 'staleCommitsRefused'
  >;
}

/** Judges a scenario's activity events. */
export function checkEvents(
  events: readonly ActivityEvent[],
  options: { readonly expectStaleCommits: boolean },
): EventFindings {
  const problems: string[] = [];
  for (const failure of events.filter((e) => e.e === 'fail' && !e.error?.retryable)) {
    if (failure.error?.type === 'StaleCheckpoint' && options.expectStaleCommits) continue;
    problems.push(
      `${failure.type} attempt ${failure.attempt} of ${failure.workflowId} failed non-retryably: ` +
        `${failure.error?.type}: ${failure.error?.message}`,
    );
  }
  const self = confirmSelfKills(events);
  problems.push(...self.unconfirmed);
  const count = (match: (e: ActivityEvent) => boolean) => events.filter(match).length;
  return {
    problems,
    figures: {
      killsAfterCommit: self.afterCommit,
      killsAfterCommitConfirmed: self.afterCommitConfirmed,
      killsInRead: self.inRead,
      killsAfterRead: self.afterRead,
      killsBeforeCommitConfirmed: self.beforeCommitConfirmed,
      activityAttempts: count((e) => e.e === 'start'),
      retriedAttempts: count((e) => e.e === 'start' && e.attempt > 1),
      failedAttempts: count((e) => e.e === 'fail'),
      alreadyCommitted: count((e) => e.e === 'end' && e.status === 'alreadyCommitted'),
      staleCommitsRefused: count((e) => e.e === 'fail' && e.error?.type === 'StaleCheckpoint'),
    },
  };
}

/**
 * Each kill right after a commit must be followed by a retry of the same activity that found the
 * batch already committed: the proof that the kill landed between the commit and the activity's
 * completion, and that the retry did not write it again. Each kill before the commit (inside the
 * read, or between the read and the commit) must be followed by a retry that committed the batch
 * itself: the proof that the killed attempt had committed nothing. (A retry killed by the
 * harness after its own commit hands the batch to a further retry that finds it committed: that
 * does not count against a kill before the commit.)
 */
function confirmSelfKills(events: readonly ActivityEvent[]): {
  afterCommit: number;
  afterCommitConfirmed: number;
  inRead: number;
  afterRead: number;
  beforeCommitConfirmed: number;
  unconfirmed: string[];
} {
  const kills = events.filter((e) => e.e === 'selfKill');
  const unconfirmed: string[] = [];
  let afterCommitConfirmed = 0;
  let beforeCommitConfirmed = 0;
  for (const kill of kills) {
    const retries = events.filter(
      (e) => e.runId === kill.runId && e.activityId === kill.activityId && e.attempt > kill.attempt,
    );
    const ends = retries.filter((e) => e.e === 'end');
    const where = `${kill.stream} checkpoint ${kill.checkpoint} (${kill.workflowId})`;
    if (kill.at === 'afterCommit') {
      if (ends.some((e) => e.status === 'alreadyCommitted')) afterCommitConfirmed++;
      else
        unconfirmed.push(
          `the kill after the commit of ${where} was not followed by a retry that found it committed`,
        );
      continue;
    }
    const cut = (attempt: number) =>
      retries.some((e) => e.e === 'start' && e.attempt === attempt) &&
      !retries.some((e) => (e.e === 'end' || e.e === 'fail') && e.attempt === attempt);
    const first = ends.sort((a, b) => a.attempt - b.attempt)[0];
    const byHarness =
      first?.status === 'alreadyCommitted' &&
      Array.from({ length: first.attempt - kill.attempt - 1 }, (_, i) => kill.attempt + 1 + i).some(
        cut,
      );
    if (first?.status === 'committed' || byHarness) beforeCommitConfirmed++;
    else
      unconfirmed.push(
        `the kill ${kill.at === 'read' ? 'inside the read' : 'between the read and the commit'} of ${where} was followed by ${
          first ? `a retry that found it ${first.status}` : 'no retry that ended'
        }, not by one that committed it`,
      );
  }
  const at = (point: string) => kills.filter((k) => k.at === point).length;
  return {
    afterCommit: at('afterCommit'),
    afterCommitConfirmed,
    inRead: at('read'),
    afterRead: at('afterRead'),
    beforeCommitConfirmed,
    unconfirmed,
  };
}
