import { describe, expect, it } from 'vitest';
import { parseTerminalControl, terminalQuery } from './protocol';

describe('terminal protocol', () => {
  it('reads a resize message', () => {
    expect(parseTerminalControl('{"type":"resize","cols":120,"rows":40}')).toEqual({ type: 'resize', cols: 120, rows: 40 });
  });

  it('refuses what is not a known control message', () => {
    expect(parseTerminalControl('not json')).toBeNull();
    expect(parseTerminalControl('{"type":"resize","cols":0,"rows":40}')).toBeNull();
    expect(parseTerminalControl('{"type":"kill"}')).toBeNull();
  });

  it('reads the query with defaults and refuses a bad mode', () => {
    expect(terminalQuery.parse({})).toEqual({ mode: 'rw' });
    expect(terminalQuery.parse({ mode: 'ro', cols: '100', rows: '30' })).toEqual({ mode: 'ro', cols: 100, rows: 30 });
    expect(terminalQuery.safeParse({ mode: 'admin' }).success).toBe(false);
  });
});
