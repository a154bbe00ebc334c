import { describe, expect, it } from 'vitest';
import { defaultListParams, loadListParams, serializeListParams, toListQuery, type InstanceListParams } from './list-params';

describe('the /instances URL', () => {
  it('reads a link with values that do not parse as the defaults, keeping the rest', () => {
    expect(loadListParams('?type=vm&status=bogus&activity=napping&sort=colour&order=sideways&page=-3&search=odd-link')).toEqual({
      ...defaultListParams,
      search: 'odd-link',
    });
  });

  it('reads statuses comma-separated, drops unknown ones and duplicates, in core’s order', () => {
    expect(loadListParams('?status=stopped,bogus,running,stopped').status).toEqual(['running', 'stopped']);
  });

  it('takes the first of a repeated parameter, as Next.js hands it to a page', () => {
    expect(loadListParams({ type: ['docker', 'tmux'], page: ['2', '9'] })).toMatchObject({ type: 'docker', page: 2 });
  });

  it('treats empty, blank, too long and non-integer values as absent', () => {
    expect(loadListParams(`?type=&search=%20%20&page=1.5`)).toEqual(defaultListParams);
    expect(loadListParams(`?search=${'x'.repeat(201)}&page=1000001`)).toEqual(defaultListParams);
  });

  it('writes only what differs from the defaults, in the format links and tests rely on', () => {
    expect(serializeListParams('/instances', defaultListParams)).toBe('/instances');
    const params: InstanceListParams = { type: 'tmux', status: ['running', 'stopped'], activity: 'waiting', origin: 'manual', search: 'a b', sort: 'activity', order: 'desc', page: 2 };
    const url = serializeListParams('/instances', params);
    expect(new URLSearchParams(url.split('?')[1]).get('status')).toBe('running,stopped');
    expect(loadListParams(url.slice(url.indexOf('?')))).toEqual(params);
  });

  it('asks core for the page the URL names', () => {
    expect(toListQuery({ ...defaultListParams, status: ['error'], page: 3 })).toEqual({ status: ['error'], sort: 'name', order: 'asc', limit: 100, offset: 200 });
    expect(toListQuery({ ...defaultListParams, activity: 'waiting' })).toMatchObject({ activity: ['waiting'] });
  });
});
