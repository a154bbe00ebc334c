import { isCcBridgeError } from '@cc-bridge/core';
import { describe, expect, it } from 'vitest';
import { parseIdsRequest, parseListRequest } from './reads';

function refusal(query: string): string {
  try {
    parseListRequest(new URLSearchParams(query));
  } catch (error) {
    if (isCcBridgeError(error, 'INVALID_INPUT')) return error.message;
    throw error;
  }
  throw new Error(`${query} was accepted`);
}

describe('GET /api/instances query', () => {
  it('takes the page URL’s parameters and asks core for that page', () => {
    expect(parseListRequest(new URLSearchParams('type=docker&status=running,stopped&origin=discovered&search=%20ab%20&sort=status&order=desc&page=2'))).toEqual({
      type: 'docker',
      status: ['running', 'stopped'],
      origin: 'discovered',
      search: 'ab',
      sort: 'status',
      order: 'desc',
      limit: 100,
      offset: 100,
    });
  });

  it('takes several activities comma-separated, as the CLI’s --activity sends them', () => {
    expect(parseListRequest(new URLSearchParams('activity=waiting,idle'))).toMatchObject({ activity: ['waiting', 'idle'] });
    expect(parseListRequest(new URLSearchParams('activity=waiting'))).toMatchObject({ activity: ['waiting'] });
    expect(refusal('activity=waiting,napping')).toMatch(/^Invalid list query: activity\.1 Invalid option/);
  });

  it('treats an empty value as absent', () => {
    expect(parseListRequest(new URLSearchParams('type=&status=&page='))).toEqual({ sort: 'name', order: 'asc', limit: 100, offset: 0 });
  });

  it('refuses what the page would quietly replace by a default, in zod’s words', () => {
    expect(refusal('type=vm')).toBe('Invalid list query: type Invalid option: expected one of "tmux"|"docker"');
    expect(refusal('status=running,bogus')).toMatch(/^Invalid list query: status\.1 Invalid option/);
    expect(refusal('page=0')).toBe('Invalid list query: page Too small: expected number to be >=1');
    expect(refusal('page=1.5')).toMatch(/^Invalid list query: page /);
  });

  it('refuses an unknown or repeated parameter, naming it', () => {
    expect(refusal('limit=5')).toMatch(/^Invalid list query: unknown parameter "limit"/);
    expect(refusal('sort=name&sort=type')).toBe('Invalid list query: sort is given 2 times');
  });
});

describe('GET /api/instances?ids= query', () => {
  const a = '0b0e6c7e-6f0e-4f43-9a55-0c4c1d1b2a01';
  const b = '0b0e6c7e-6f0e-4f43-9a55-0c4c1d1b2a02';

  function idsRefusal(query: string): string {
    try {
      parseIdsRequest(new URLSearchParams(query));
    } catch (error) {
      if (isCcBridgeError(error, 'INVALID_INPUT')) return error.message;
      throw error;
    }
    throw new Error(`${query} was accepted`);
  }

  it('reads comma-separated uuids', () => {
    expect(parseIdsRequest(new URLSearchParams(`ids=${a},${b}`))).toEqual([a, b]);
  });

  it('refuses anything but 1 to 200 uuids in one ids parameter', () => {
    expect(idsRefusal('ids=')).toMatch(/ids/);
    expect(idsRefusal(`ids=${a},nope`)).toMatch(/ids/);
    expect(idsRefusal(`ids=${a}&ids=${b}`)).toMatch(/ids is given 2 times/);
    expect(idsRefusal(`ids=${a}&search=x`)).toMatch(/search/);
    expect(idsRefusal(`ids=${Array.from({ length: 201 }, () => a).join(',')}`)).toMatch(/ids/);
  });
});
