import { describe, expect, it } from 'vitest';
import { pageSelection, toggleAll, toggleName } from './selection.ts';

describe('toggleName', () => {
  it('adds a name that is not selected and removes one that is', () => {
    expect([...toggleName(new Set(['a']), 'b')]).toEqual(['a', 'b']);
    expect([...toggleName(new Set(['a', 'b']), 'a')]).toEqual(['b']);
  });

  it('returns a new set and leaves the given one as it was', () => {
    const selected = new Set(['a']);
    toggleName(selected, 'b');
    expect([...selected]).toEqual(['a']);
  });
});

describe('pageSelection', () => {
  it('tells none, some or all of the shown names apart', () => {
    expect(pageSelection(new Set(), ['a', 'b'])).toBe('none');
    expect(pageSelection(new Set(['a']), ['a', 'b'])).toBe('some');
    expect(pageSelection(new Set(['a', 'b']), ['a', 'b'])).toBe('all');
  });

  it('does not count names selected on another page', () => {
    expect(pageSelection(new Set(['elsewhere']), ['a', 'b'])).toBe('none');
  });

  it('says none for an empty page, so "Select all" is never shown checked over nothing', () => {
    expect(pageSelection(new Set(['a']), [])).toBe('none');
  });
});

describe('toggleAll', () => {
  it('selects every shown name when some are not selected', () => {
    expect(toggleAll(new Set(['a']), ['a', 'b'])).toEqual(new Set(['a', 'b']));
  });

  it('clears the shown names when all are selected', () => {
    expect(toggleAll(new Set(['a', 'b']), ['a', 'b'])).toEqual(new Set());
  });

  it('keeps names selected on other pages either way', () => {
    expect(toggleAll(new Set(['elsewhere']), ['a'])).toEqual(new Set(['elsewhere', 'a']));
    expect(toggleAll(new Set(['elsewhere', 'a']), ['a'])).toEqual(new Set(['elsewhere']));
  });
});
