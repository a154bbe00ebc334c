import { isCcBridgeError } from '@cc-bridge/core';
import { describe, expect, it } from 'vitest';
import { parseListRequest } from './reads';

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
