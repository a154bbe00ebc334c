import { describe, expect, it } from 'vitest';
import { isCcBridgeError } from './errors.ts';
import { parseDuration } from './duration.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseDuration', () => {
  it.each([
    ['30s', 30 * second],
    ['15m', 15 * minute],
    ['12h', 12 * hour],
    ['7d', 7 * day],
    ['2w', 14 * day],
    ['0s', 0],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('adds up combined units written largest first', () => {
    expect(parseDuration('1d12h')).toBe(day + 12 * hour);
    expect(parseDuration('1w2d3h4m5s')).toBe(9 * day + 3 * hour + 4 * minute + 5 * second);
  });

  it('ignores blanks around the text', () => {
    expect(parseDuration(' 7d\n')).toBe(7 * day);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['7', 'unit is missing'],
    ['7 days', 'not a duration'],
    ['7D', 'not a duration'],
    ['-1d', 'not a duration'],
    ['1.5h', 'not a duration'],
    ['d', 'not a duration'],
    ['1y', 'not a duration'],
    ['1h1d', 'largest first'],
    ['1h2h', 'largest first'],
    ['99999999999999999w', 'too long'],
  ])('refuses %j as INVALID_INPUT saying it is %s', (text, why) => {
    const error = errorOf(() => parseDuration(text));
    expect(isCcBridgeError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain(`"${text}"`);
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).toContain('e.g. 30s');
  });
});
