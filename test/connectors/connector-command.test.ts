import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildConnectorCommand } from '../../src/connectors/connector-command';
import { ConnectorError } from '../../src/connectors/connector-error';
import { checkConnectorSpec, connectorName } from '../../src/connectors/connector-spec';
import { ensureDockerEngine } from '../../src/connectors/docker-engine';
import { InvalidInputError } from '../../src/errors';

const files = {
  dir: '/tmp/run-1',
  config: 'config.json',
  catalog: 'catalog.json',
  state: 'state.json',
};

describe('buildConnectorCommand', () => {
  test('a local connector runs its executable with the Airbyte command and the files by path', () => {
    const spec = {
      executable: '/opt/venv/bin/source-faker',
      args: ['--debug'],
      env: { TZ: 'UTC' },
    };
    assert.deepEqual(buildConnectorCommand(spec, 'spec', { dir: files.dir }, { workerEnv: {} }), {
      command: '/opt/venv/bin/source-faker',
      args: ['--debug', 'spec'],
      env: { HOME: '/tmp/run-1/home', TZ: 'UTC' },
      cwd: undefined,
    });
    assert.deepEqual(buildConnectorCommand(spec, 'check', files).args, [
      '--debug',
      'check',
      '--config',
      '/tmp/run-1/config.json',
    ]);
    assert.deepEqual(buildConnectorCommand(spec, 'read', files).args, [
      '--debug',
      'read',
      '--config',
      '/tmp/run-1/config.json',
      '--catalog',
      '/tmp/run-1/catalog.json',
      '--state',
      '/tmp/run-1/state.json',
    ]);
    assert.deepEqual(
      buildConnectorCommand(spec, 'read', { ...files, state: undefined }).args.slice(-2),
      ['--catalog', '/tmp/run-1/catalog.json'],
      'no --state without state',
    );
  });

  test('a Docker connector runs `docker run` with the run folder mounted read-only and env passed by name', () => {
    const spec = {
      dockerImage: 'airbyte/source-faker:6.2.38',
      network: 'host',
      env: { API_KEY: 'secret' },
    };
    const command = buildConnectorCommand(spec, 'read', files, {
      dockerPath: '/usr/bin/docker',
      containerName: 'tss-1',
      workerEnv: {},
    });
    assert.equal(command.command, '/usr/bin/docker');
    assert.deepEqual(command.args, [
      'run',
      '--rm',
      '--init',
      '--name',
      'tss-1',
      '--volume',
      '/tmp/run-1:/airbyte/tmp:ro',
      '--network',
      'host',
      '--env',
      'API_KEY',
      'airbyte/source-faker:6.2.38',
      'read',
      '--config',
      '/airbyte/tmp/config.json',
      '--catalog',
      '/airbyte/tmp/catalog.json',
      '--state',
      '/airbyte/tmp/state.json',
    ]);
    assert.ok(!command.args.some((arg) => arg.includes('secret')), 'the secret is not in argv');
    assert.deepEqual(
      command.env,
      { API_KEY: 'secret' },
      'it reaches docker through its environment',
    );
    assert.equal(command.containerName, 'tss-1');
    assert.deepEqual(
      buildConnectorCommand({ dockerImage: 'x/y' }, 'spec', { dir: '/d' }, { containerName: 'c' })
        .args,
      ['run', '--rm', '--init', '--name', 'c', '--volume', '/d:/airbyte/tmp:ro', 'x/y', 'spec'],
    );
  });

  test('connector specs are checked at the boundary and named as PyAirbyte names them', () => {
    assert.equal(connectorName({ executable: '.venv/bin/source-faker' }), 'source-faker');
    assert.equal(
      connectorName({ dockerImage: 'docker.io/airbyte/source-postgres:3.6.1' }),
      'source-postgres',
    );
    assert.equal(connectorName({ dockerImage: 'airbyte/source-x@sha256:abc' }), 'source-x');
    assert.equal(connectorName({ executable: 'python', name: 'source-mine' }), 'source-mine');
    const bad: [unknown, RegExp][] = [
      [{}, /exactly one of `executable`.*got neither/],
      [{ executable: 'a', dockerImage: 'b' }, /got both/],
      [
        { dockerImage: '--privileged' },
        /connector\.dockerImage: expected a Docker image reference/,
      ],
      [{ executable: '' }, /connector\.executable/],
      [{ executable: 'x', args: ['ok', 3] }, /connector\.args\[1\]/],
      [{ executable: 'x', env: { 'BAD NAME': 'v' } }, /environment variable name/],
      ['source-faker', /expected an object/],
    ];
    for (const [spec, message] of bad)
      assert.throws(
        () => checkConnectorSpec(spec),
        (error: unknown) => error instanceof InvalidInputError && message.test(error.message),
      );
  });
});

describe('the Docker engine', () => {
  test('an absent Docker CLI is a clear, non-retryable error', async () => {
    await assert.rejects(
      ensureDockerEngine('airbyte/source-faker:6', '/nonexistent/docker'),
      (error: unknown) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.type, 'ConnectorNotFound');
        assert.equal(error.retryable, false);
        assert.match(
          error.message,
          /needs Docker, but the Docker CLI "\/nonexistent\/docker" is not installed/,
        );
        return true;
      },
    );
  });

  test('a Docker CLI without an engine behind it is a clear error before any container runs', async () => {
    // A stand-in CLI that answers as docker does when no daemon runs, so the test means the same
    // on every machine, with or without a Docker engine.
    const dir = mkdtempSync(join(tmpdir(), 'no-engine-'));
    const cli = join(dir, 'docker');
    writeFileSync(
      cli,
      '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2\nexit 1\n',
      { mode: 0o755 },
    );
    await assert.rejects(
      ensureDockerEngine('airbyte/source-faker:6.2.38', cli),
      (error: unknown) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.type, 'ConnectorNotFound');
        assert.equal(error.retryable, false);
        assert.match(error.message, /needs a Docker engine, but none answers/);
        return true;
      },
    );
  });
});
