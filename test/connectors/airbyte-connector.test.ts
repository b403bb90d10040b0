import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { AirbyteConnector } from '../../src/connectors/airbyte-connector';
import { ConnectorError } from '../../src/connectors/connector-error';
import type { ConnectorLogger } from '../../src/connectors/connector-logger';
import type { AirbyteCatalog } from '../../src/connectors/connector-messages';
import type { JsonObject } from '../../src/protocol/types';

const faker = { executable: path.resolve(__dirname, '../../.venv/bin/source-faker') };
const fake = { executable: path.join(__dirname, 'fixtures/fake-source.mjs'), name: 'fake' };

/** A logger that keeps what it is given. */
function capture(): ConnectorLogger & {
  lines: [string, string, Record<string, unknown> | undefined][];
} {
  const lines: [string, string, Record<string, unknown> | undefined][] = [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    void lines.push([level, message, meta]);
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

const configured = (catalog: AirbyteCatalog) => ({
  streams: catalog.streams.map((stream) => ({
    stream,
    sync_mode: 'incremental',
    destination_sync_mode: 'append',
  })),
});

describe('AirbyteConnector with source-faker', () => {
  test('spec, check and discover answer from the real connector', async () => {
    const connector = new AirbyteConnector(faker);
    assert.equal(connector.name, 'source-faker');
    const spec = await connector.spec();
    assert.ok(
      (spec.connectionSpecification as { properties: Record<string, unknown> }).properties.count,
    );
    await connector.check({ count: 10 });
    const catalog = await connector.discover({ count: 10 });
    assert.deepEqual(
      catalog.streams.map((s) => s.name),
      ['products', 'users', 'purchases'],
    );
  });

  test('read streams records and states, and forwards LOG lines to the logger', async () => {
    const logger = capture();
    const connector = new AirbyteConnector(faker, { logger });
    const config = {
      count: 20,
      seed: 1,
      records_per_slice: 10,
      always_updated: false,
      parallelism: 1,
    };
    const catalog = await connector.discover(config);
    const counts: Record<string, number> = {};
    for await (const message of connector.read({ config, catalog: configured(catalog) }))
      counts[message.type] = (counts[message.type] ?? 0) + 1;
    assert.equal(counts.RECORD, 60);
    assert.equal(counts.STATE, 5);
    assert.ok(
      logger.lines.some(
        ([level, message, meta]) =>
          level === 'info' &&
          message === 'Starting syncing SourceFaker' &&
          meta?.connector === 'source-faker',
      ),
      "the connector's own LOG line reached the logger",
    );
  });
});

describe('AirbyteConnector with a fake source', () => {
  const catalogOf = async (config: JsonObject) =>
    configured(await new AirbyteConnector(fake).discover(config));

  test('the connector waits while the reader is busy: records are not piled up in memory', async () => {
    const config = { streams: { alpha: 6000 }, perState: 1000 };
    const catalog = await catalogOf(config);
    let pausedUntil = 0;
    let lastEmittedAt = 0;
    for await (const message of new AirbyteConnector(fake).read({ config, catalog })) {
      if (message.type !== 'RECORD') continue;
      if (pausedUntil === 0) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        pausedUntil = Date.now();
      }
      lastEmittedAt = message.record.emitted_at ?? 0;
    }
    assert.ok(
      lastEmittedAt >= pausedUntil - 50,
      'the last record was written only after the reader went on',
    );
  });

  test('ending the iteration early stops the connector', async () => {
    const config = { streams: { alpha: 100000 }, perState: 1000 };
    const started = Date.now();
    for await (const message of new AirbyteConnector(fake).read({
      config,
      catalog: await catalogOf(config),
    }))
      if (message.type === 'RECORD') break;
    assert.ok(Date.now() - started < 5000, 'stopped, not read to the end');
  });

  test("a TRACE error fails the read with the connector's own text; config errors are not retryable", async () => {
    const config = {
      streams: { alpha: 2 },
      traceError: {
        message: 'Bad API key',
        internal_message: 'HTTP 401',
        failure_type: 'config_error',
      },
    };
    await assert.rejects(
      (async () => {
        for await (const _ of new AirbyteConnector(fake).read({
          config,
          catalog: await catalogOf(config),
        }));
      })(),
      (error: unknown) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.type, 'ConnectorConfigError');
        assert.equal(error.retryable, false);
        assert.equal(
          error.message,
          'fake read failed: Bad API key — HTTP 401 (config_error); it exited with code 1.',
        );
        return true;
      },
    );
    const transient = {
      streams: { alpha: 1 },
      traceError: { message: 'Rate limited', failure_type: 'transient_error' },
    };
    await assert.rejects(
      (async () => {
        for await (const _ of new AirbyteConnector(fake).read({
          config: transient,
          catalog: await catalogOf(transient),
        }));
      })(),
      (error: unknown) =>
        error instanceof ConnectorError && error.type === 'ConnectorFailed' && error.retryable,
    );
  });

  test("a failed check carries the connector's reason", async () => {
    await assert.rejects(
      new AirbyteConnector(fake).check({ failCheck: true }),
      (error: unknown) =>
        error instanceof ConnectorError &&
        error.type === 'ConnectorConfigError' &&
        /the fake API key is wrong/.test(error.message),
    );
  });

  test('a non-JSON stdout line is logged, as Airbyte does, or fails the read when asked', async () => {
    const config = { streams: { alpha: 2 }, noise: true };
    const catalog = await catalogOf(config);
    const logger = capture();
    let records = 0;
    for await (const message of new AirbyteConnector(fake, { logger }).read({ config, catalog }))
      if (message.type === 'RECORD') records++;
    assert.equal(records, 2);
    assert.ok(
      logger.lines.some(
        ([, message, meta]) =>
          message === 'debug: a print() that slipped onto stdout' && meta?.stream === 'stdout',
      ),
    );
    await assert.rejects(
      (async () => {
        for await (const _ of new AirbyteConnector(fake, { nonJsonLines: 'error' }).read({
          config,
          catalog,
        }));
      })(),
      /fake read wrote a stdout line that is not JSON: debug: a print\(\) that slipped onto stdout/,
    );
  });
});
