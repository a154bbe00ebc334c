import { describe, expect, it } from 'vitest';
import { formatRelativeTime, formatTimestamp, toDate } from './relative-time.ts';

const now = new Date('2026-11-28T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe('formatRelativeTime', () => {
  it.each([
    [0, 'just now'],
    [44_000, 'just now'],
    [50_000, '1 min ago'],
    [3 * minute, '3 min ago'],
    [3 * minute + 59_000, '3 min ago'],
    [59 * minute, '59 min ago'],
    [hour, '1 hr ago'],
    [23 * hour + 59 * minute, '23 hr ago'],
    [day, '1 day ago'],
    [6 * day, '6 days ago'],
    [45 * day, '1 mo ago'],
    [364 * day, '12 mo ago'],
    [400 * day, '1 yr ago'],
    [3 * 365 * day, '3 yr ago'],
  ])('says %i ms before now is "%s"', (ms, expected) => {
    expect(formatRelativeTime(ago(ms), now)).toBe(expected);
  });

  it('treats a few seconds in the future as clock skew', () => {
    expect(formatRelativeTime(ago(-10_000), now)).toBe('just now');
  });

  it('shows a time well in the future as "in …" rather than "ago"', () => {
    expect(formatRelativeTime(ago(-5 * minute), now)).toBe('in 5 min');
  });
});

describe('formatTimestamp', () => {
  it('prints the exact time in UTC, independent of the machine time zone', () => {
    expect(formatTimestamp(new Date('2026-11-28T14:03:12.345Z'))).toBe('2026-11-28 14:03:12 UTC');
  });
});

describe('toDate', () => {
  it('parses the ISO string a Date became on its way through JSON', () => {
    expect(toDate('2026-11-28T14:03:12.000Z')?.getTime()).toBe(Date.UTC(2026, 10, 28, 14, 3, 12));
  });

  it('passes a Date through', () => {
    expect(toDate(now)).toBe(now);
  });

  it('returns null for no date and for an unparsable one', () => {
    expect(toDate(null)).toBeNull();
    expect(toDate(undefined)).toBeNull();
    expect(toDate('not a date')).toBeNull();
  });
});
