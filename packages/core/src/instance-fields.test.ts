import { describe, expect, it } from 'vitest';
import { runtimeIdentity, shortContainerId } from './instance-fields.ts';
import { emptyInstanceFields, inputFieldNames, inputFieldValuesOf } from './instance-fields.ts';

describe('shortContainerId', () => {
  it('keeps the first 12 characters, as `docker ps` does', () => {
    expect(shortContainerId('4f1c2b3a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a')).toBe('4f1c2b3a9d8e');
  });

  it('leaves an id that is already short as it is', () => {
    expect(shortContainerId('4f1c2b3a9d8e')).toBe('4f1c2b3a9d8e');
  });
});

describe('runtimeIdentity', () => {
  it('names a tmux record by its session', () => {
    expect(runtimeIdentity({ ...emptyInstanceFields, type: 'tmux', tmuxSession: 'api' })).toEqual({ name: 'api', shortId: null, fullId: null });
  });

  it('names a Docker record by its container name and short id', () => {
    const id = 'a'.repeat(64);
    expect(runtimeIdentity({ ...emptyInstanceFields, type: 'docker', containerName: 'box', containerId: id })).toEqual({ name: 'box', shortId: 'a'.repeat(12), fullId: id });
  });

  it('reads an empty name as none', () => {
    expect(runtimeIdentity({ ...emptyInstanceFields, type: 'tmux', tmuxSession: '' })).toEqual({ name: null, shortId: null, fullId: null });
  });
});

describe('inputFieldValuesOf', () => {
  it('keeps the input fields given and makes the others null', () => {
    const values = inputFieldValuesOf({ containerId: 'a'.repeat(64), imageName: undefined });
    expect(values).toEqual({ ...Object.fromEntries(inputFieldNames.map((field) => [field, null])), containerId: 'a'.repeat(64) });
  });

  it('leaves out whatever else the input carries', () => {
    const input = { name: 'box', type: 'docker', pid: 7 };
    expect(Object.keys(inputFieldValuesOf(input))).toEqual([...inputFieldNames]);
  });
});
