import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, test } from 'node:test';

/** `npm test`'s output filter: the dev server's banner and terminal codes go, results stay. */
describe('npm test output filter', () => {
  const filter = async (input: string, stripAnsi: boolean): Promise<string> => {
    const { quietOutput } = await import('../../scripts/quiet-output.mjs');
    return text(Readable.from([input]).pipe(quietOutput({ stripAnsi })));
  };

  test('drops the dev-server banner and, off a terminal, the colour codes', async () => {
    const input = [
      '\u001b[32m✔ a test (1.2ms)\u001b[39m',
      'Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)',
      '',
      'Temporal Server:      localhost:42721',
      'Temporal Persistence: in-memory',
      'Temporal Metrics:     http://localhost:42103/metrics',
      '',
      '✖ another test',
      '',
      'ℹ pass 1',
    ].join('\n');
    assert.equal(await filter(input, true), '✔ a test (1.2ms)\n✖ another test\n\nℹ pass 1');
    assert.match(await filter(input, false), /^\u001b\[32m✔ a test/, 'kept on a terminal');
  });
});
