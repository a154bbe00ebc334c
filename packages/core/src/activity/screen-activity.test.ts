import { describe, expect, it } from 'vitest';

import {
  defaultHookGraceMs,
  defaultScreenHoldMs,
  emptyScreenHold,
  holdScreenReading,
  readPane,
  standingActivity,
  type HeldActivity,
  type HookReport,
  type ScreenHold,
} from './screen-activity.ts';
import type { ScreenActivity, ScreenReading } from './screen-rules.ts';

const reading = (activity: ScreenActivity, reason: string | null = null): ScreenReading => ({ activity, reason, choices: [] });
const prompt: ScreenReading = {
  activity: 'waiting',
  reason: 'Bash: rm -f old.log — Do you want to proceed?',
  choices: [
    { label: 'Yes', key: '1', isSelected: true, detail: null },
    { label: 'No', key: '2', isSelected: false, detail: null },
  ],
};

/** Feeds readings taken at the given times (ms) and returns the activity shown after each. */
function shownAfter(readings: [number, ScreenReading][], holdMs = defaultScreenHoldMs): (ScreenActivity | undefined)[] {
  let hold: ScreenHold = emptyScreenHold;
  return readings.map(([at, next]) => {
    hold = holdScreenReading(hold, next, at, holdMs);
    return hold.shown?.activity;
  });
}

describe('holdScreenReading', () => {
  it('shows the first reading at once', () => {
    expect(holdScreenReading(emptyScreenHold, reading('busy'), 5_000)).toEqual({
      shown: { ...reading('busy'), since: 5_000 },
      pending: null,
    });
  });

  it('shows a change only once it has been read for the hold time, since when it was first seen', () => {
    expect(shownAfter([[0, reading('busy')], [2_000, reading('idle')], [2_500, reading('idle')], [3_000, reading('idle')]])).toEqual([
      'busy',
      'busy',
      'busy',
      'idle',
    ]);
    let hold = holdScreenReading(emptyScreenHold, reading('busy'), 0);
    hold = holdScreenReading(hold, reading('idle'), 2_000);
    hold = holdScreenReading(hold, reading('idle'), 4_000);
    expect(hold.shown).toEqual({ ...reading('idle'), since: 2_000 });
  });

  it('does not flicker on one odd frame between busy readings', () => {
    expect(shownAfter([[0, reading('busy')], [2_000, reading('idle')], [4_000, reading('busy')], [6_000, reading('unknown')], [8_000, reading('busy')]])).toEqual(
      ['busy', 'busy', 'busy', 'busy', 'busy'],
    );
  });

  it('starts the wait again when a different reading comes in between', () => {
    expect(shownAfter([[0, reading('busy')], [1_000, reading('idle')], [1_500, reading('unknown')], [2_100, reading('idle')], [3_100, reading('idle')]])).toEqual([
      'busy',
      'busy',
      'busy',
      'busy',
      'idle',
    ]);
  });

  it('shows waiting at once, with its reason and choices, and holds leaving it', () => {
    let hold = holdScreenReading(emptyScreenHold, reading('busy'), 0);
    hold = holdScreenReading(hold, prompt, 2_000);
    expect(hold.shown).toEqual({ ...prompt, since: 2_000 });
    hold = holdScreenReading(hold, reading('busy'), 4_000);
    expect(hold.shown?.activity).toBe('waiting');
    hold = holdScreenReading(hold, reading('busy'), 6_000);
    expect(hold.shown).toEqual({ ...reading('busy'), since: 4_000 });
  });

  it('shows the next prompt at once and keeps the since of the same prompt as its marker moves', () => {
    const next = { ...prompt, reason: 'Write: notes.txt — Do you want to create notes.txt?' };
    let hold = holdScreenReading(emptyScreenHold, prompt, 0);
    hold = holdScreenReading(hold, next, 2_000);
    expect(hold.shown).toEqual({ ...next, since: 2_000 });
    const moved = { ...next, choices: next.choices.map((choice) => ({ ...choice, isSelected: !choice.isSelected })) };
    hold = holdScreenReading(hold, moved, 4_000);
    expect(hold.shown).toEqual({ ...moved, since: 2_000 });
  });

  it('honours another hold time', () => {
    expect(shownAfter([[0, reading('idle')], [100, reading('busy')], [200, reading('busy')]], 100)).toEqual(['idle', 'idle', 'busy']);
  });
});

const held = (activity: ScreenActivity, since: number, reason: string | null = null): HeldActivity => ({
  ...reading(activity, reason),
  since,
});
const hook = (activity: ScreenActivity, at: number, reason: string | null = null): HookReport => ({ activity, reason, at });

describe('standingActivity', () => {
  it('is null when neither source has spoken, and the screen when only it has', () => {
    expect(standingActivity(null, null, 0)).toBeNull();
    expect(standingActivity(null, held('idle', 10), 20)).toEqual({ ...held('idle', 10), source: 'screen' });
    expect(standingActivity(hook('unknown', 30), held('busy', 10), 40)).toMatchObject({ activity: 'busy', source: 'screen' });
  });

  it('takes the hooks when only they have spoken, or the screen reads unknown', () => {
    const report = hook('waiting', 100, 'Bash: ls');
    const expected = { activity: 'waiting', reason: 'Bash: ls', choices: [], since: 100, source: 'hook' };
    expect(standingActivity(report, null, 50_000)).toEqual(expected);
    expect(standingActivity(report, held('unknown', 200), 50_000)).toEqual(expected);
  });

  it('lets the hooks win over a screen whose reading began before their report', () => {
    // The screen still shows an idle it saw before the prompt was submitted.
    expect(standingActivity(hook('busy', 5_000), held('idle', 1_000), 60_000)).toMatchObject({ activity: 'busy', source: 'hook', since: 5_000 });
  });

  it('lets the hooks win for the grace time after the screen changes, then the screen', () => {
    // A prompt answered, then a long command runs: no hook until it ends.
    const report = hook('waiting', 1_000, 'Bash: sleep 60');
    expect(standingActivity(report, held('busy', 4_000), 4_000 + defaultHookGraceMs - 1)).toMatchObject({ source: 'hook', activity: 'waiting' });
    expect(standingActivity(report, held('busy', 4_000), 4_000 + defaultHookGraceMs)).toEqual({
      ...held('busy', 4_000),
      source: 'screen',
    });
  });

  it('lets a hook report made after the screen changed win again', () => {
    expect(standingActivity(hook('idle', 5_000), held('busy', 4_000), 60_000)).toMatchObject({ activity: 'idle', source: 'hook' });
  });

  it('keeps the hooks when both say the same, with the screen choices that answer a waiting prompt', () => {
    const screen: HeldActivity = { ...prompt, since: 3_000 };
    expect(standingActivity(hook('waiting', 2_900, 'Bash: rm -f old.log'), screen, 60_000)).toEqual({
      activity: 'waiting',
      reason: 'Bash: rm -f old.log',
      choices: prompt.choices,
      since: 2_900,
      source: 'hook',
    });
    expect(standingActivity(hook('busy', 2_900), held('busy', 3_000), 60_000)?.choices).toEqual([]);
  });

  it('honours another grace time', () => {
    expect(standingActivity(hook('busy', 0), held('idle', 10), 20, 10)).toMatchObject({ activity: 'idle', source: 'screen' });
    expect(standingActivity(hook('busy', 0), held('idle', 10), 19, 10)).toMatchObject({ activity: 'busy', source: 'hook' });
  });
});

describe('readPane', () => {
  const idleScreen = ['─'.repeat(40), '❯ ', '─'.repeat(40), '  ? for shortcuts'].join('\n');

  it('reads a shell back in the foreground as exited once an agent ran there, else unknown', () => {
    expect(readPane({ command: 'bash', text: '$ ' }, true)).toEqual({ activity: 'exited', reason: null, choices: [] });
    expect(readPane({ command: '-zsh', text: '% ' }, true).activity).toBe('exited');
    expect(readPane({ command: 'sh', text: idleScreen }, false)).toEqual({ activity: 'unknown', reason: null, choices: [] });
  });

  it('reads any other program by the screen rules', () => {
    expect(readPane({ command: 'claude', text: idleScreen }, true).activity).toBe('idle');
    expect(readPane({ command: 'node', text: 'compiling…' }, true).activity).toBe('unknown');
  });
});
