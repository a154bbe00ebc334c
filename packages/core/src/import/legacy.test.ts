import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isCcBridgeError } from '../errors.ts';
import { parseLegacyRegistry, parseLegacyTimestamp, statusFromLegacy } from './legacy.ts';

const fixture: unknown = JSON.parse(
  readFileSync(new URL('../../test/fixtures/legacy-instances.json', import.meta.url), 'utf8'),
);

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

// A zone other than UTC, so that reading local time as UTC would show. Set before the describe
// bodies below run (at collection, before any hook); Node applies a TZ change at once.
const originalTz = process.env.TZ;
process.env.TZ = 'America/New_York';
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('parseLegacyRegistry on the fixture', () => {
  const { records, skipped } = parseLegacyRegistry(fixture);
  const byName = new Map(records.map((record) => [record.name, record]));

  it('reads every record and skips none', () => {
    expect(records.map((record) => record.name).sort()).toEqual(['api-refactor', 'docs-bot', 'old-entry', 'sandbox-1']);
    expect(skipped).toEqual([]);
  });

  it('maps a running tmux record field by field, timestamps as local time', () => {
    expect(byName.get('api-refactor')).toEqual({
      name: 'api-refactor',
      type: 'tmux',
      status: 'running',
      createdAt: new Date(2026, 0, 29, 9, 14, 3, 512),
      lastActivityAt: new Date(2026, 1, 2, 17, 40, 11, 4),
      tmuxSession: 'claude-api-refactor',
      pid: 48213,
      cwd: '/home/dev/src/api',
      containerId: null,
      containerName: null,
      imageName: null,
      dockerNetwork: null,
    });
    expect(byName.get('api-refactor')?.createdAt?.toISOString()).toBe('2026-01-29T14:14:03.512Z');
  });

  it('maps no_pid to stopped and keeps a null last activity', () => {
    expect(byName.get('docs-bot')).toMatchObject({ status: 'stopped', lastActivityAt: null, pid: null });
  });

  it('maps a Docker record with the raw state exited to stopped', () => {
    expect(byName.get('sandbox-1')).toMatchObject({
      type: 'docker',
      status: 'stopped',
      containerId: '3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e',
      containerName: 'claude-sandbox-1',
      imageName: 'cc-bridge:latest',
      dockerNetwork: 'claude-network',
      tmuxSession: null,
      cwd: null,
    });
  });

  it('reads a first-version record without instance_type as tmux', () => {
    expect(byName.get('old-entry')).toMatchObject({
      type: 'tmux',
      status: 'stopped',
      tmuxSession: 'claude-old-entry',
      pid: 1200,
      createdAt: new Date(2026, 0, 27, 20, 15, 0),
      containerId: null,
    });
  });
});

describe('parseLegacyRegistry record by record', () => {
  it('skips a record that is not an object, naming it by its key', () => {
    const { records, skipped } = parseLegacyRegistry({ instances: { good: { name: 'good' }, broken: 'running', gone: null } });
    expect(records.map((record) => record.name)).toEqual(['good']);
    expect(skipped).toEqual([
      { name: 'broken', reason: 'is not an object (string)' },
      { name: 'gone', reason: 'is not an object (null)' },
    ]);
  });

  it('takes the name from the key when the record has none', () => {
    const { records } = parseLegacyRegistry({ instances: { 'from-key': { status: 'running' } } });
    expect(records[0]).toMatchObject({ name: 'from-key', type: 'tmux', status: 'running', createdAt: null });
  });

  it('skips a record with no usable name', () => {
    const { skipped } = parseLegacyRegistry({ instances: { '': { name: '  ' } } });
    expect(skipped).toEqual([{ name: '(unnamed)', reason: 'has no name' }]);
  });

  it('skips a record whose fields have the wrong type, naming the field', () => {
    const { records, skipped } = parseLegacyRegistry({ instances: { a: { name: 'a', pid: '123' }, b: { name: 'b', instance_type: 'podman' } } });
    expect(records).toEqual([]);
    expect(skipped.map((entry) => entry.name)).toEqual(['a', 'b']);
    expect(skipped[0]?.reason).toMatch(/^pid: /);
    expect(skipped[1]?.reason).toMatch(/^instance_type: /);
  });

  it('skips a record with an unreadable timestamp', () => {
    const { skipped } = parseLegacyRegistry({ instances: { a: { name: 'a', created_at: 'yesterday' } } });
    expect(skipped).toEqual([{ name: 'a', reason: 'created_at: "yesterday" is not an ISO 8601 date and time' }]);
  });

  it('treats empty strings as absent values', () => {
    const { records } = parseLegacyRegistry({ instances: { a: { name: 'a', tmux_session: '', cwd: '' } } });
    expect(records[0]).toMatchObject({ tmuxSession: null, cwd: null });
  });

  it('leaves name validation to the manager', () => {
    const { records } = parseLegacyRegistry({ instances: { 'bad name!': { name: 'bad name!' } } });
    expect(records.map((record) => record.name)).toEqual(['bad name!']);
  });
});

describe('parseLegacyRegistry on a file of the wrong shape', () => {
  it.each([
    ['an array', []],
    ['a string', 'instances'],
    ['null', null],
    ['an object without instances', { version: 2 }],
    ['instances as an array', { instances: [] }],
  ])('throws INVALID_INPUT for %s', (_label, json) => {
    const error = errorOf(() => parseLegacyRegistry(json));
    expect(isCcBridgeError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('Not a cc-bridge instances.json');
  });

  it('names the missing key', () => {
    expect((errorOf(() => parseLegacyRegistry({})) as Error).message).toContain('instances:');
  });
});

describe('statusFromLegacy', () => {
  it.each([
    ['created', 'created'],
    ['running', 'running'],
    ['stopped', 'stopped'],
    ['error', 'error'],
    ['no_pid', 'stopped'],
    ['not_found', 'stopped'],
    ['exited', 'stopped'],
    ['paused', 'stopped'],
    ['restarting', 'error'],
    ['dead', 'error'],
    ['Running', 'running'],
    ['sleeping', 'unknown'],
    [null, 'unknown'],
  ] as const)('maps %j to %s', (legacy, ours) => {
    expect(statusFromLegacy(legacy)).toBe(ours);
  });
});

describe('parseLegacyTimestamp', () => {
  it('reads a naive timestamp as local time, microseconds cut to milliseconds', () => {
    expect(parseLegacyTimestamp('2026-07-04T12:00:00.999999')).toEqual(new Date(2026, 6, 4, 12, 0, 0, 999));
    expect(parseLegacyTimestamp('2026-07-04T12:00:00.999999')?.toISOString()).toBe('2026-07-04T16:00:00.999Z');
  });

  it('honours an explicit zone', () => {
    expect(parseLegacyTimestamp('2026-07-04T12:00:00+02:00')?.toISOString()).toBe('2026-07-04T10:00:00.000Z');
    expect(parseLegacyTimestamp('2026-07-04T12:00:00Z')?.toISOString()).toBe('2026-07-04T12:00:00.000Z');
    expect(parseLegacyTimestamp('2026-07-04 12:00-0530')?.toISOString()).toBe('2026-07-04T17:30:00.000Z');
  });

  it.each(['2026-02-30T10:00:00', '2026-13-01T10:00:00', '2026-01-01T24:00:00', '2026-01-01', 'yesterday', ''])(
    'refuses %j',
    (text) => {
      expect(parseLegacyTimestamp(text)).toBeNull();
    },
  );
});
