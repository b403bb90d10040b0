import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { ConnectorError } from '../../src/connectors/connector-error';
import { parseMessageLine } from '../../src/connectors/parse-message';
import { readLines } from '../../src/connectors/read-lines';
import { findUnsafeInteger } from '../../src/connectors/unsafe-integers';

describe('parseMessageLine', () => {
  test("RECORD and STATE keep the connector's line; other types pass as they are", () => {
    const record = '{"type":"RECORD","record":{"stream":"users","data":{"id":1},"emitted_at":5}}';
    assert.deepEqual(parseMessageLine(record).message, {
      type: 'RECORD',
      record: { stream: 'users', data: { id: 1 }, emitted_at: 5 },
      line: record,
    });
    const state =
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"users"}}}}';
    assert.equal(parseMessageLine(state).message?.type, 'STATE');
    assert.deepEqual(
      parseMessageLine('{"type":"LOG","log":{"level":"INFO","message":"hi"}}').message,
      {
        type: 'LOG',
        log: { level: 'INFO', message: 'hi' },
      },
    );
    assert.equal(
      parseMessageLine('{"type":"CONTROL","control":{"type":"CONNECTOR_CONFIG"}}').message?.type,
      'CONTROL',
    );
  });

  test('text that is not an Airbyte message comes back as text, with why', () => {
    assert.deepEqual(parseMessageLine('Starting...'), { text: 'Starting...', reason: 'not JSON' });
    assert.equal(parseMessageLine('[1,2]').text, '[1,2]');
    assert.match(parseMessageLine('{"no":"type"}').text ?? '', /no/);
  });

  test('a malformed RECORD or STATE, or a STATE with an integer beyond 2^53, is a protocol error', () => {
    const fails = (line: string, message: RegExp) =>
      assert.throws(
        () => parseMessageLine(line),
        (error: unknown) =>
          error instanceof ConnectorError &&
          error.type === 'ConnectorProtocolError' &&
          message.test(error.message),
      );
    fails('{"type":"RECORD","record":{"data":{}}}', /RECORD without record.stream/);
    fails('{"type":"STATE"}', /STATE without a state object/);
    fails(
      '{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"lsn":23896935999999999}}}}',
      /integer 23896935999999999, beyond 2\^53/,
    );
    assert.equal(
      parseMessageLine('{"type":"STATE","state":{"data":{"lsn":9007199254740991}}}').message?.type,
      'STATE',
      '2^53 - 1 is fine',
    );
  });
});

describe('findUnsafeInteger', () => {
  test('finds integers JavaScript would round, not digits inside strings, floats or safe integers', () => {
    assert.equal(findUnsafeInteger('{"a":12345678901234567890}'), '12345678901234567890');
    assert.equal(findUnsafeInteger('[-9007199254740993]'), '-9007199254740993');
    assert.equal(findUnsafeInteger('{"a":"12345678901234567890"}'), undefined);
    assert.equal(
      findUnsafeInteger('{"a":"x\\"12345678901234567890"}'),
      undefined,
      'escaped quotes stay inside the string',
    );
    assert.equal(findUnsafeInteger('{"a":1234567890123456.5,"b":1e30}'), undefined);
    assert.equal(findUnsafeInteger('{"a":9007199254740991}'), undefined);
  });
});

describe('readLines', () => {
  test('splits lines across chunks, drops line ends and empty lines, and decodes UTF-8 split between chunks', async () => {
    const stream = new PassThrough();
    const euro = Buffer.from('€');
    stream.write('first\r\nsec');
    stream.write(Buffer.concat([Buffer.from('ond '), euro.subarray(0, 1)]));
    stream.write(Buffer.concat([euro.subarray(1), Buffer.from('\n\n\nlast')]));
    stream.end();
    const lines: string[] = [];
    for await (const line of readLines(stream)) lines.push(line);
    assert.deepEqual(lines, ['first', 'second €', 'last']);
  });

  test('a line longer than the bound fails instead of filling memory', async () => {
    const stream = new PassThrough();
    stream.end('x'.repeat(100));
    await assert.rejects(
      (async () => {
        for await (const _ of readLines(stream, 10));
      })(),
      /a line longer than 10 characters/,
    );
  });
});
