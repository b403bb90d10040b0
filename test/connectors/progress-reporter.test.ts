import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProgressReporter } from '../../src/connectors/progress-reporter';
import type { ConnectorCommits } from '../../src/connectors/sync-types';

const commit = (stream: string, checkpoint: number): ConnectorCommits => ({
  epoch: 3,
  checkpoints: [
    {
      name: stream,
      namespace: null,
      checkpoint,
      recordsCommitted: checkpoint * 10,
      committedAt: `t${checkpoint}`,
    },
  ],
  messages: [
    {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: { cursor: checkpoint } },
    },
  ],
});

describe('ProgressReporter', () => {
  test('sends at most once per interval, the newest checkpoint and state of each stream', async () => {
    let now = 0;
    const sent: ConnectorCommits[] = [];
    const reporter = new ProgressReporter(
      1000,
      (c) => Promise.resolve(void sent.push(c)),
      () => now,
    );
    await reporter.add(commit('users', 1)); // the first goes at once
    now = 10;
    await reporter.add(commit('users', 2));
    await reporter.add(commit('orders', 1));
    await reporter.add(commit('users', 3));
    assert.equal(sent.length, 1);
    now = 1100;
    await reporter.sendIfDue();
    assert.equal(sent.length, 2);
    assert.deepEqual(
      sent[1]?.checkpoints.map((c) => [c.name, c.checkpoint]),
      [
        ['users', 3],
        ['orders', 1],
      ],
    );
    assert.deepEqual(
      sent[1]?.messages.map((m) => m.stream?.stream_state),
      [{ cursor: 3 }, { cursor: 1 }],
    );
    now = 5000;
    await reporter.sendIfDue();
    assert.equal(sent.length, 2, 'nothing new, nothing sent');
  });
});
