import { describe, expect, it } from 'vitest';
import { listShortcutFor, movedRowIndex, type ShortcutKey } from './list-shortcuts';

function press(key: string, overrides: Partial<ShortcutKey> = {}): ShortcutKey {
  return { key, ctrlKey: false, metaKey: false, altKey: false, targetTag: 'BODY', targetType: null, targetIsEditable: false, isDialogOpen: false, ...overrides };
}

describe('listShortcutFor', () => {
  it('maps the six keys on the page itself', () => {
    expect(['/', 'j', 'k', 'Enter', 'x', '?'].map((key) => listShortcutFor(press(key)))).toEqual([
      'focusSearch',
      'nextRow',
      'previousRow',
      'openRow',
      'toggleRow',
      'showHelp',
    ]);
  });

  it('leaves keys alone while typing in a text box, a textarea, a select or an editable element', () => {
    expect(listShortcutFor(press('j', { targetTag: 'INPUT', targetType: 'search' }))).toBeNull();
    expect(listShortcutFor(press('/', { targetTag: 'INPUT', targetType: 'text' }))).toBeNull();
    expect(listShortcutFor(press('x', { targetTag: 'TEXTAREA' }))).toBeNull();
    expect(listShortcutFor(press('k', { targetTag: 'SELECT' }))).toBeNull();
    expect(listShortcutFor(press('?', { targetTag: 'DIV', targetIsEditable: true }))).toBeNull();
  });

  it('still works from a checkbox or a button, except Enter, which is theirs', () => {
    expect(listShortcutFor(press('j', { targetTag: 'INPUT', targetType: 'checkbox' }))).toBe('nextRow');
    expect(listShortcutFor(press('x', { targetTag: 'BUTTON' }))).toBe('toggleRow');
    expect(listShortcutFor(press('Enter', { targetTag: 'BUTTON' }))).toBeNull();
    expect(listShortcutFor(press('Enter', { targetTag: 'A' }))).toBeNull();
    expect(listShortcutFor(press('Enter', { targetTag: 'TR' }))).toBe('openRow');
  });

  it('ignores keys with Ctrl, Meta or Alt, keys while a dialog is open, and other keys', () => {
    expect(listShortcutFor(press('k', { ctrlKey: true }))).toBeNull();
    expect(listShortcutFor(press('/', { metaKey: true }))).toBeNull();
    expect(listShortcutFor(press('j', { altKey: true }))).toBeNull();
    expect(listShortcutFor(press('j', { isDialogOpen: true }))).toBeNull();
    expect(listShortcutFor(press('J'))).toBeNull();
    expect(listShortcutFor(press('a'))).toBeNull();
  });
});

describe('movedRowIndex', () => {
  it('starts on the first row, moves by one, and stops at the ends', () => {
    expect(movedRowIndex(null, 3, 1)).toBe(0);
    expect(movedRowIndex(null, 3, -1)).toBe(0);
    expect(movedRowIndex(0, 3, 1)).toBe(1);
    expect(movedRowIndex(2, 3, 1)).toBe(2);
    expect(movedRowIndex(0, 3, -1)).toBe(0);
    expect(movedRowIndex(5, 3, -1)).toBe(2);
    expect(movedRowIndex(null, 0, 1)).toBeNull();
  });
});
