import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StaticInputState } from '../../src';
import { MAX_PROVIDER_SNAPSHOTS, ProviderSnapshots } from '../../src/backend/provider-snapshots';

const provider = () => new StaticInputState([]);
const source = (i: number) => ({ sourceName: `source-${i}`, tablePrefix: '' });

describe('provider snapshots (getStateProvider with refresh: false)', () => {
  test('keep the last read of each selection, told apart by destination, prefix and streams', () => {
    const snapshots = new ProviderSnapshots();
    const selections = [
      { sourceName: 's', tablePrefix: '' },
      { sourceName: 's', tablePrefix: 'p_' },
      { sourceName: 's', tablePrefix: '', destinationName: 'd' },
      { sourceName: 's', tablePrefix: '', streams: ['users'] },
    ];
    const providers = selections.map(() => provider());
    selections.forEach((selection, i) =>
      snapshots.set(selection, providers[i] as StaticInputState),
    );
    selections.forEach((selection, i) => assert.equal(snapshots.get(selection), providers[i]));
    assert.equal(snapshots.get({ sourceName: 'other', tablePrefix: '' }), undefined);
  });

  test(`keep at most ${MAX_PROVIDER_SNAPSHOTS}, evicting the least recently used`, () => {
    const snapshots = new ProviderSnapshots();
    const first = provider();
    snapshots.set(source(0), first);
    snapshots.set(source(1), provider());
    for (let i = 2; i < MAX_PROVIDER_SNAPSHOTS; i++) snapshots.set(source(i), provider());
    assert.equal(snapshots.get(source(0)), first, 'source 0 is now the most recently used');
    snapshots.set(source(MAX_PROVIDER_SNAPSHOTS), provider());
    assert.equal(snapshots.get(source(1)), undefined, 'source 1 was the least recently used');
    assert.equal(snapshots.get(source(0)), first);
    assert.ok(snapshots.get(source(MAX_PROVIDER_SNAPSHOTS)));
  });

  test('a write forgets every snapshot of its source, and only those', () => {
    const snapshots = new ProviderSnapshots();
    snapshots.set({ sourceName: 's', tablePrefix: '' }, provider());
    snapshots.set({ sourceName: 's', tablePrefix: '', destinationName: 'd' }, provider());
    const other = provider();
    snapshots.set({ sourceName: 't', tablePrefix: '' }, other);
    snapshots.forgetSource('s');
    assert.equal(snapshots.get({ sourceName: 's', tablePrefix: '' }), undefined);
    assert.equal(
      snapshots.get({ sourceName: 's', tablePrefix: '', destinationName: 'd' }),
      undefined,
    );
    assert.equal(snapshots.get({ sourceName: 't', tablePrefix: '' }), other);
  });
});
