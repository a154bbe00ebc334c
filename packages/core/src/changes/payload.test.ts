import { describe, expect, it } from 'vitest';
import { decodeChangePayload, encodeChangePayload, maxPayloadBytes, mergeChanges } from './payload.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('decodeChangePayload', () => {
  it('reads the JSON the trigger writes, with the spaces json_build_object puts in', () => {
    expect(decodeChangePayload(`{"ids" : ["${id(1)}","${id(2)}"]}`)).toEqual({ all: false, ids: [id(1), id(2)], deleted: [] });
    expect(decodeChangePayload(`{"deleted" : ["${id(3)}"]}`)).toEqual({ all: false, ids: [], deleted: [id(3)] });
    expect(decodeChangePayload('{"all":true}')).toEqual({ all: true, reason: 'overflow' });
  });

  it('reads anything else as a change of everything, since a reload is safe and a missed change is not', () => {
    for (const payload of [undefined, '', 'hello', '{"ids":"x"}', '{"ids":[1]}', '{"other":[]}', '[]', 'null']) {
      expect(decodeChangePayload(payload)).toEqual({ all: true, reason: 'overflow' });
    }
  });

  it('reads back what encodeChangePayload writes', () => {
    const ids = [id(1), id(2)];
    expect(decodeChangePayload(encodeChangePayload({ ids }))).toEqual({ all: false, ids, deleted: [] });
    expect(decodeChangePayload(encodeChangePayload({ deleted: ids }))).toEqual({ all: false, ids: [], deleted: ids });
  });
});

describe('encodeChangePayload', () => {
  it('names about 200 ids, and says "all" instead of passing PostgreSQL\'s 8000-byte limit', () => {
    const fits = Array.from({ length: 200 }, (_, n) => id(n));
    expect(Buffer.byteLength(encodeChangePayload({ ids: fits }))).toBeLessThanOrEqual(maxPayloadBytes);
    expect(JSON.parse(encodeChangePayload({ ids: fits }))).toEqual({ ids: fits });
    const tooMany = Array.from({ length: 210 }, (_, n) => id(n));
    expect(encodeChangePayload({ ids: tooMany })).toBe('{"all":true}');
    expect(maxPayloadBytes).toBeLessThan(8000);
  });
});

describe('mergeChanges', () => {
  it('folds changes a watcher has not read into one: unions, a deleted id leaves ids, all wins', () => {
    const first = mergeChanges(null, { all: false, ids: [id(1), id(2)], deleted: [] });
    const second = mergeChanges(first, { all: false, ids: [id(3)], deleted: [id(2)] });
    expect(second).toEqual({ all: false, ids: [id(1), id(3)], deleted: [id(2)] });
    expect(mergeChanges(second, { all: true, reason: 'reconnected' })).toEqual({ all: true, reason: 'reconnected' });
    expect(mergeChanges({ all: true, reason: 'connected' }, { all: false, ids: [id(4)], deleted: [] })).toEqual({ all: true, reason: 'connected' });
  });

  it('turns a fold past maxIds into overflow, so a stalled watcher holds bounded memory', () => {
    const pending = { all: false as const, ids: [id(1), id(2)], deleted: [] };
    expect(mergeChanges(pending, { all: false, ids: [id(3)], deleted: [] }, 2)).toEqual({ all: true, reason: 'overflow' });
  });
});
