import { CcBridgeError } from './errors.ts';

const unitMs = {
  w: 7 * 24 * 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  h: 60 * 60 * 1000,
  m: 60 * 1000,
  s: 1000,
} as const;
type Unit = keyof typeof unitMs;
const unitOrder: readonly Unit[] = ['w', 'd', 'h', 'm', 's'];

function isUnit(text: string | undefined): text is Unit {
  return text !== undefined && Object.hasOwn(unitMs, text);
}

const durationPattern = /^(?:\d+[wdhms])+$/;
const partPattern = /(\d+)([wdhms])/g;

function invalid(text: string, why: string): CcBridgeError {
  return new CcBridgeError(
    'INVALID_INPUT',
    `Invalid duration "${text}": ${why}; write a number and a unit (s, m, h, d, w), e.g. 30s, 15m, 12h, 7d, 2w or 1d12h`,
  );
}

/**
 * Milliseconds in a duration such as `30s`, `15m`, `12h`, `7d`, `2w`, or combined from the
 * largest unit down (`1d12h`, `1w2d`). A bare number is refused: without a unit nobody can tell
 * seconds from days. `m` is minutes; there are no months, their length varies.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw invalid(text, 'it is empty');
  if (/^\d+$/.test(trimmed)) throw invalid(text, 'the unit is missing');
  if (!durationPattern.test(trimmed)) throw invalid(text, 'it is not a duration');

  let total = 0;
  let previous = -1;
  for (const [, amount, unit] of trimmed.matchAll(partPattern)) {
    // The pattern only matches these, but the type system cannot see through a regex.
    if (amount === undefined || !isUnit(unit)) throw invalid(text, 'it is not a duration');
    const rank = unitOrder.indexOf(unit);
    // "1h1d" or "1h2h" is more likely a typo than an intent; refuse rather than guess.
    if (rank <= previous) throw invalid(text, 'give each unit once, largest first');
    previous = rank;
    total += Number(amount) * unitMs[unit];
  }
  if (!Number.isSafeInteger(total)) throw invalid(text, 'it is too long');
  return total;
}
