import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

/** `npm run bench` as users run it: its options in --help, an unknown one refused before any run. */
const root = join(__dirname, '..', '..');
const bench = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'bench/run.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });

describe('npm run bench', () => {
  test('--help lists --quick, --tiny, --only and --out; an unknown option exits 2 in one line', async () => {
    const { stdout } = await bench(['--help']);
    for (const option of ['--quick', '--tiny', '--only CASE,CASE', '--out FILE'])
      assert.ok(stdout.includes(option), `${option} in:\n${stdout}`);
    assert.match(
      stdout,
      /BENCHMARKS\.md for a full run of every\s+case, else \.tmp\/BENCHMARKS\.<profile>\.md/,
    );
    await assert.rejects(bench(['--bogus']), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(
        error.stderr,
        /^error: Unknown option '--bogus'\. See: npm run bench -- --help\n$/,
      );
      return true;
    });
  });
});
