import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTemporalCli } from '../../examples/servers/temporal-cli';

describe('resolveTemporalCli', () => {
  let dir = '';
  let explicit = '';
  let onPath = '';
  let project = '';
  let inVenv = '';

  function fakeBinary(path: string, mode = 0o755): string {
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'temporal-cli-test-'));
    explicit = fakeBinary(join(dir, 'my-temporal'));
    mkdirSync(join(dir, 'bin'));
    onPath = fakeBinary(join(dir, 'bin', 'temporal'));
    project = join(dir, 'project');
    mkdirSync(join(project, '.venv', 'bin'), { recursive: true });
    inVenv = fakeBinary(join(project, '.venv', 'bin', 'temporal'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('prefers TEMPORAL_CLI_PATH over PATH and the project .venv', () => {
    const env = { TEMPORAL_CLI_PATH: explicit, PATH: join(dir, 'bin') };
    assert.equal(resolveTemporalCli({ env, projectRoot: project }), explicit);
  });

  test('rejects a TEMPORAL_CLI_PATH that is not executable, naming it', () => {
    const notExecutable = fakeBinary(join(dir, 'not-executable'), 0o644);
    for (const path of [notExecutable, join(dir, 'missing'), dir]) {
      assert.throws(
        () => resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: path }, projectRoot: project }),
        (error: Error) => error.message.includes(`TEMPORAL_CLI_PATH is set to "${path}"`),
      );
    }
  });

  test('prefers temporal on PATH over the project .venv', () => {
    const env = { PATH: ['/nonexistent', join(dir, 'bin')].join(delimiter) };
    assert.equal(resolveTemporalCli({ env, projectRoot: project }), onPath);
  });

  test('falls back to the project .venv when nothing else is found', () => {
    assert.equal(
      resolveTemporalCli({ env: { PATH: '/nonexistent' }, projectRoot: project }),
      inVenv,
    );
  });

  test('returns undefined, so that the SDK downloads the CLI, when there is none', () => {
    assert.equal(resolveTemporalCli({ env: {}, projectRoot: join(dir, 'bin') }), undefined);
  });
});
