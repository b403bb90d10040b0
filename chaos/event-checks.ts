/**
 * What the workers' events must show after a scenario: no activity failed non-retryably (but a
 * StaleCheckpoint where fencing expects it), and each kill right after a commit was followed by a
 * retry that found its batch already committed. Also the counts of attempts the report shows.
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
  const afterCommit = confirmKillsAfterCommit(events);
  problems.push(...afterCommit.unconfirmed);
  const count = (match: (e: ActivityEvent) => boolean) => events.filter(match).length;
  return {
    problems,
    figures: {
      killsAfterCommit: afterCommit.kills,
      killsAfterCommitConfirmed: afterCommit.confirmed,
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
 * completion, and that the retry did not write it again.
 */
function confirmKillsAfterCommit(events: readonly ActivityEvent[]): {
  kills: number;
  confirmed: number;
  unconfirmed: string[];
} {
  const kills = events.filter((e) => e.e === 'killAfterCommit');
  const unconfirmed: string[] = [];
  let confirmed = 0;
  for (const kill of kills) {
    const retry = events.find(
      (e) =>
        e.e === 'end' &&
        e.runId === kill.runId &&
        e.activityId === kill.activityId &&
        e.attempt > kill.attempt &&
        e.status === 'alreadyCommitted',
    );
    if (retry) confirmed++;
    else
      unconfirmed.push(
        `the kill after commit of ${kill.stream} checkpoint ${kill.checkpoint} (${kill.workflowId}) was not followed by a retry that found it committed`,
      );
  }
  return { kills: kills.length, confirmed, unconfirmed };
}
