import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readClaudeScreen } from '../activity/screen-rules.ts';
import { permissionKey } from './answer.ts';

// Screens of the pinned Claude Code (2.1.328), captured for screen-rules.ts.
const fixtures = new URL('../../test/fixtures/claude-screens/2.1.328/', import.meta.url);
const reading = (name: string) => readClaudeScreen(readFileSync(new URL(`${name}.txt`, fixtures), 'utf8'));

describe('permissionKey', () => {
  it.each(['waiting-bash-permission', 'waiting-write-permission', 'waiting-edit-permission', 'waiting-write-outside-cwd'])('finds yes, always and no on %s', (name) => {
    const screen = reading(name);
    expect([permissionKey(screen, 'yes'), permissionKey(screen, 'always'), permissionKey(screen, 'no')]).toEqual(['1', '2', '3']);
  });

  it('answers no question and nothing on a screen without a permission prompt', () => {
    for (const name of ['waiting-question', 'idle-turn-finished', 'busy-thinking-1', 'first-run-trust']) {
      expect([permissionKey(reading(name), 'yes'), permissionKey(reading(name), 'no')], name).toEqual([null, null]);
    }
  });
});
