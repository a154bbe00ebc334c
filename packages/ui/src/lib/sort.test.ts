import { describe, expect, it } from 'vitest';
import { ariaSort, nextSort } from './sort.ts';

describe('nextSort', () => {
  it('flips ascending to descending when the active column is clicked', () => {
    expect(nextSort({ sortBy: 'name', sortOrder: 'asc' }, 'name')).toEqual({ sortBy: 'name', sortOrder: 'desc' });
  });

  it('flips descending back to ascending when the active column is clicked', () => {
    expect(nextSort({ sortBy: 'status', sortOrder: 'desc' }, 'status')).toEqual({ sortBy: 'status', sortOrder: 'asc' });
  });

  it('starts another column ascending, whatever the current order', () => {
    expect(nextSort({ sortBy: 'name', sortOrder: 'desc' }, 'createdAt')).toEqual({ sortBy: 'createdAt', sortOrder: 'asc' });
  });
});

describe('ariaSort', () => {
  it('names the direction of the active column and "none" for the others', () => {
    expect(ariaSort({ sortBy: 'name', sortOrder: 'asc' }, 'name')).toBe('ascending');
    expect(ariaSort({ sortBy: 'name', sortOrder: 'desc' }, 'name')).toBe('descending');
    expect(ariaSort({ sortBy: 'name', sortOrder: 'desc' }, 'type')).toBe('none');
  });
});
