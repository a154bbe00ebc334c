import { InvalidArgumentError } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import {
  buildCreateInput,
  buildUpdatePatch,
  FlagUsageError,
  listFilterQuery,
  parseActivityList,
  parseClearFlag,
  parseDurationFlag,
  parseStatusList,
  parseWholeNumber,
} from '../src/options.ts';

describe('parseStatusList', () => {
  it('splits on commas and adds up repeated flags without duplicates', () => {
    const first = parseStatusList('running, stopped');
    expect(first).toEqual(['running', 'stopped']);
    expect(parseStatusList('error,running', first)).toEqual(['running', 'stopped', 'error']);
  });

  it('refuses a word that is not a status, naming it and the choices', () => {
    expect(() => parseStatusList('running,asleep')).toThrow(InvalidArgumentError);
    expect(() => parseStatusList('running,asleep')).toThrow(/"asleep" is not a status; use created, running, stopped, unknown, error/);
    expect(() => parseStatusList(' , ')).toThrow(InvalidArgumentError);
  });
});

describe('parseActivityList', () => {
  it('reads activities as --status reads statuses, and refuses other words', () => {
    expect(parseActivityList('waiting', parseActivityList('idle,waiting'))).toEqual(['idle', 'waiting']);
    expect(() => parseActivityList('asleep')).toThrow(/"asleep" is not an activity; use busy, waiting, idle, exited, unknown/);
  });

  it('becomes the list query core filters on', () => {
    expect(listFilterQuery({ activity: ['waiting'] })).toEqual({ activity: ['waiting'] });
    expect(listFilterQuery({})).toEqual({});
  });
});

describe('parseWholeNumber', () => {
  it('reads digits and refuses anything else', () => {
    expect(parseWholeNumber('42')).toBe(42);
    for (const text of ['4.2', '-1', 'abc', '', '1e3']) expect(() => parseWholeNumber(text)).toThrow(InvalidArgumentError);
  });
});

describe('parseDurationFlag', () => {
  it('gives milliseconds, and a usage error for a bad duration', () => {
    expect(parseDurationFlag('7d')).toBe(7 * 24 * 3_600_000);
    expect(() => parseDurationFlag('7')).toThrow(InvalidArgumentError);
    expect(() => parseDurationFlag('7')).toThrow(/unit is missing/);
  });
});

describe('buildCreateInput', () => {
  it('maps flags to fields and leaves absent flags out', () => {
    expect(buildCreateInput('api', { tmuxSession: 'claude-api', cwd: '/srv' })).toEqual({ name: 'api', tmuxSession: 'claude-api', cwd: '/srv' });
    expect(buildCreateInput('box', { type: 'docker', image: 'img:1', network: 'none', containerName: 'c' })).toEqual({
      name: 'box',
      type: 'docker',
      imageName: 'img:1',
      dockerNetwork: 'none',
      containerName: 'c',
    });
  });

  it('does not guess the type from Docker flags: core decides', () => {
    expect(buildCreateInput('api', { containerId: 'abcdefabcdef' })).toEqual({ name: 'api', containerId: 'abcdefabcdef' });
  });
});

describe('buildUpdatePatch', () => {
  it('sets the given fields and clears the --clear ones to null', () => {
    expect(buildUpdatePatch({ name: 'new', pid: 7, clear: ['cwd', 'container-id', 'image'] })).toEqual({
      name: 'new',
      pid: 7,
      cwd: null,
      containerId: null,
      imageName: null,
    });
  });

  it('leaves absent flags out so that they stay as they are', () => {
    expect(Object.keys(buildUpdatePatch({ network: 'n' }))).toEqual(['dockerNetwork']);
  });

  it('refuses setting and clearing the same field', () => {
    expect(() => buildUpdatePatch({ pid: 7, clear: ['pid'] })).toThrow(FlagUsageError);
    expect(() => buildUpdatePatch({ image: 'x', clear: ['image'] })).toThrow(/--image and --clear image/);
  });

  it('refuses a patch with nothing in it', () => {
    expect(() => buildUpdatePatch({})).toThrow(/nothing to change/);
  });
});

describe('parseClearFlag', () => {
  it('takes flag names, repeatable', () => {
    expect(parseClearFlag('pid', parseClearFlag('tmux-session'))).toEqual(['tmux-session', 'pid']);
  });

  it('refuses a field that has no flag, or cannot be cleared', () => {
    expect(() => parseClearFlag('name')).toThrow(/"name" cannot be cleared; use tmux-session, pid, cwd/);
    expect(() => parseClearFlag('imageName')).toThrow(InvalidArgumentError);
  });
});
