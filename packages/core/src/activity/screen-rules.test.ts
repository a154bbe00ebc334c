import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { readClaudeScreen, type ScreenChoice, type ScreenReading } from './screen-rules.ts';

// Screens captured from the real Claude Code 2.1.328 in tmux (120×40): see the README there.
const fixtures = new URL('../../test/fixtures/claude-screens/2.1.328/', import.meta.url);
const screen = (name: string) => readFileSync(new URL(`${name}.txt`, fixtures), 'utf8');

const idle: ScreenReading = { activity: 'idle', reason: null, choices: [] };
const busy: ScreenReading = { activity: 'busy', reason: null, choices: [] };
const unknown: ScreenReading = { activity: 'unknown', reason: null, choices: [] };
const numbered = (labels: string[], selected = 0, details: (string | null)[] = []): ScreenChoice[] =>
  labels.map((label, index) => ({ label, key: String(index + 1), isSelected: index === selected, detail: details[index] ?? null }));
const editChoices = numbered([
  'Yes',
  'Yes, and switch to accept edits (auto-approve file edits and common file commands) for this session (shift+tab)',
  'No',
]);

const questionDetails = ['The brand colour', 'Calmer'];

/** Every captured screen and what it must read as. */
const expected: Record<string, ScreenReading> = {
  'idle-startup': idle,
  'idle-typed-prompt': idle,
  'idle-typed-slash-command': idle,
  'idle-slash-menu': idle,
  'idle-shortcuts-help': idle,
  'idle-typed-after-turn': idle,
  'idle-turn-finished': idle,
  'idle-after-tool': idle,
  'idle-after-answer': idle,
  'idle-after-no': idle,
  'idle-after-edit': idle,
  'idle-after-question': idle,
  // Esc during a turn puts the prompt back into the box; no hook reports this.
  'idle-after-interrupt': idle,
  'idle-auto-mode-notice': idle,
  'idle-ctrl-c-once': idle,
  'busy-thinking-1': busy,
  'busy-thinking-2': busy,
  'busy-tool-running-1': busy,
  'busy-tool-running-2': busy,
  'busy-tool-running-typed': busy,
  'busy-after-answer': busy,
  'busy-after-question': busy,
  'waiting-bash-permission': {
    activity: 'waiting',
    reason: 'Bash: rm -f old-build.log && touch fresh-build.log — Do you want to proceed?',
    choices: numbered([
      'Yes',
      "Yes, and don't ask again for rm -f old-build.log and touch fresh-build.log commands in /tmp/screen-cap/work",
      'No',
    ]),
  },
  'waiting-write-permission': {
    activity: 'waiting',
    reason: 'Write: notes.txt — Do you want to create notes.txt?',
    choices: editChoices,
  },
  'waiting-edit-permission': {
    activity: 'waiting',
    reason: 'Edit: readme.md — Do you want to make this edit to readme.md?',
    choices: editChoices,
  },
  // A file outside the working folder: the second choice's label wraps onto a second row.
  'waiting-write-outside-cwd': {
    activity: 'waiting',
    reason: 'Write: ../work/notes.txt — Do you want to create notes.txt?',
    choices: numbered(
      [
        'Yes',
        'Yes, and switch to accept edits (auto-approve file edits and common file commands) for this session; Yes, and',
        'No',
      ],
      0,
      [null, 'always allow access to /tmp/screen-cap/work for this session (shift+tab)'],
    ),
  },
  'waiting-question': {
    activity: 'waiting',
    reason: 'Colour: Which colour should the button be?',
    choices: numbered(['Blue', 'Green', 'Type something.', 'Chat about this'], 0, questionDetails),
  },
  'first-run-trust': {
    activity: 'waiting',
    reason: 'Accessing workspace: /tmp/screen-cap/work2 — Quick safety check: Is this a project you created or one you trust?',
    choices: [
      { label: 'No, exit', key: null, isSelected: true, detail: null },
      { label: 'Yes, I trust this folder', key: null, isSelected: false, detail: null },
    ],
  },
  'first-run-api-key': {
    activity: 'waiting',
    reason:
      'Detected a custom API key in your environment: ANTHROPIC_API_KEY: sk-ant-...sk-ant-test-000 — Do you want to use this API key?',
    choices: [
      { label: 'Yes', key: null, isSelected: false, detail: null },
      { label: 'No (recommended)', key: null, isSelected: true, detail: null },
    ],
  },
  'exited-resume-hint': { activity: 'exited', reason: null, choices: [] },
  // The shell's prompt under Claude Code's last frame, with no goodbye of Claude Code's: nothing
  // on the screen says whether Claude Code ended or something else drew there.
  'shell-after-ctrl-c': unknown,
  'shell-after-connect-failure': unknown,
};

describe('readClaudeScreen on the captured screens of Claude Code 2.1.328', () => {
  it('has an expected reading for every captured screen, and a screen for every expectation', () => {
    const names = readdirSync(fixtures)
      .filter((file) => file.endsWith('.txt'))
      .map((file) => file.slice(0, -'.txt'.length));
    expect(names.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('reads %s', (name, reading) => {
    expect(readClaudeScreen(screen(name))).toEqual(reading);
  });
});

describe('readClaudeScreen', () => {
  it('reads nothing on an empty screen or one of blank rows', () => {
    expect(readClaudeScreen('')).toEqual(unknown);
    expect(readClaudeScreen('\n   \n\n')).toEqual(unknown);
  });

  it('reads a screen captured with its colours (capture-pane -e) as the plain one', () => {
    for (const name of ['busy-thinking-1', 'waiting-bash-permission', 'idle-startup']) {
      const coloured = screen(name)
        .split('\n')
        .map((line) => `\u001b[38;5;246m${line}\u001b[39m\u001b[K`)
        .join('\r\n');
      expect(readClaudeScreen(coloured)).toEqual(expected[name]);
    }
  });

  it('reads the spinner alone as busy when typing has hidden "esc to interrupt"', () => {
    const typed = screen('busy-tool-running-typed');
    expect(typed).not.toContain('esc to interrupt');
    expect(readClaudeScreen(typed).activity).toBe('busy');
    // Without the spinner line the same screen is an idle box with text typed in it.
    expect(readClaudeScreen(typed.replace(/^✽ Catapulting….*$/m, '')).activity).toBe('idle');
  });

  it('takes the choice the marker is on as selected, wherever it stands', () => {
    const moved = screen('waiting-bash-permission').replace(' ❯ 1. Yes', '   1. Yes').replace('   3. No', ' ❯ 3. No');
    expect(readClaudeScreen(moved).choices.map((choice) => choice.isSelected)).toEqual([false, false, true]);
    const lastQuestionChoice = screen('waiting-question').replace('❯ 1. Blue', '  1. Blue').replace('  4. Chat', '❯ 4. Chat');
    expect(readClaudeScreen(lastQuestionChoice)).toEqual({
      ...expected['waiting-question'],
      choices: numbered(['Blue', 'Green', 'Type something.', 'Chat about this'], 3, questionDetails),
    });
  });

  it('names only the question of a dialog whose top has scrolled off the screen', () => {
    const rows = screen('waiting-bash-permission').split('\n');
    const topRule = rows.findIndex((row) => row.startsWith('────'));
    expect(readClaudeScreen(rows.slice(topRule + 1).join('\n'))).toEqual({
      ...expected['waiting-bash-permission'],
      reason: 'Do you want to proceed?',
    });
  });

  it('reads a dialog footer without a selected choice as unknown', () => {
    expect(readClaudeScreen('────────────────────────────────────────\n Pick one\n\n Esc to cancel')).toEqual(unknown);
  });

  it('reads the goodbye as exited only while nothing but the prompt line follows it', () => {
    const exited = screen('exited-resume-hint').trimEnd();
    expect(readClaudeScreen(`${exited} ls`).activity).toBe('exited');
    expect(readClaudeScreen(`${exited} ls\nnotes.txt  readme.md\nbash-5.2# `)).toEqual(unknown);
  });

  it('does not read a finished turn\'s "✻ … for 30s" line or an old prompt in the transcript as the present', () => {
    const finished = screen('idle-turn-finished');
    expect(finished).toMatch(/^✻ Crunched for 30s · done/m);
    expect(readClaudeScreen(finished)).toEqual(idle);
    // The same transcript with the input box gone is nobody's screen of Claude Code.
    const noBox = finished.split('\n').filter((row) => !row.startsWith('────') && !row.startsWith('❯ ') && !row.startsWith('  ⏸'));
    expect(readClaudeScreen(noBox.join('\n'))).toEqual(unknown);
  });
});
