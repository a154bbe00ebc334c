const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** Accepts what the table receives: a Date, or the ISO string it became on the way from the server. */
export function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * "3 min ago", "2 hr ago", "in 5 min". Written out rather than Intl.RelativeTimeFormat so the
 * server render and the browser's agree whatever the locale, and the text stays short in a table.
 */
export function formatRelativeTime(date: Date, now: Date): string {
  const diff = now.getTime() - date.getTime();
  const distance = Math.abs(diff);
  if (distance < 45 * second) return 'just now';

  let amount: string;
  if (distance < hour) amount = `${Math.max(1, Math.floor(distance / minute))} min`;
  else if (distance < day) amount = `${Math.floor(distance / hour)} hr`;
  else if (distance < 30 * day) {
    const days = Math.floor(distance / day);
    amount = `${days} ${days === 1 ? 'day' : 'days'}`;
  } else if (distance < 365 * day) amount = `${Math.floor(distance / (30 * day))} mo`;
  else amount = `${Math.floor(distance / (365 * day))} yr`;

  // A timestamp slightly ahead of the browser's clock is skew, not the future worth shouting about,
  // but a larger one is shown honestly rather than as "ago".
  return diff >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** "2026-11-28 14:03:12 UTC": the exact time for a tooltip, identical on server and client. */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
