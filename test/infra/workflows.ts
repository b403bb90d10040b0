// The smallest real workflow: one activity call, so that the smoke test covers the Worker's
// workflow bundle, its activities and the client round trip.
import { proxyActivities } from '@temporalio/workflow';

/** Activities that {@link greet} calls; the test's Worker provides them. */
export interface GreetActivities {
  /** Upper-cases `text`. */
  shout(text: string): Promise<string>;
}

const { shout } = proxyActivities<GreetActivities>({ startToCloseTimeout: '10 seconds' });

/** Returns `Hello, NAME!` for `name`, upper-cased by an activity. */
export async function greet(name: string): Promise<string> {
  return `Hello, ${await shout(name)}!`;
}
