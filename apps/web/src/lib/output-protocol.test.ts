import { describe, expect, it } from 'vitest';
import { outputQuery, readOutputMessage } from './output-protocol';

describe('readOutputMessage', () => {
  it('reads every message the server sends', () => {
    expect(readOutputMessage('{"type":"output","text":"a\\n","current":"$ "}')).toEqual({ type: 'output', text: 'a\n', current: '$ ' });
    expect(readOutputMessage('{"type":"end","reason":"stopped"}')).toEqual({ type: 'end', reason: 'stopped' });
    expect(readOutputMessage('{"type":"end","reason":"not-running","message":"start it"}')).toEqual({ type: 'end', reason: 'not-running', message: 'start it' });
    expect(readOutputMessage('{"type":"error","code":"TMUX_ERROR","message":"m"}')).toEqual({ type: 'error', code: 'TMUX_ERROR', message: 'm' });
  });

  it('answers null for anything else', () => {
    expect(readOutputMessage('not json')).toBeNull();
    // An output message always says what the line being drawn now is, '' for none.
    expect(readOutputMessage('{"type":"output","text":"a\\n"}')).toBeNull();
    expect(readOutputMessage('{"type":"end","reason":"later"}')).toBeNull();
    expect(readOutputMessage('{"type":"error","code":"NOPE","message":"m"}')).toBeNull();
    expect(readOutputMessage(new ArrayBuffer(2))).toBeNull();
  });
});

describe('outputQuery', () => {
  it('asks for 500 lines unless told, 1 to 10 000', () => {
    expect(outputQuery.parse({})).toEqual({ lines: 500 });
    expect(outputQuery.parse({ lines: '20' })).toEqual({ lines: 20 });
    expect(outputQuery.safeParse({ lines: '0' }).success).toBe(false);
    expect(outputQuery.safeParse({ lines: '10001' }).success).toBe(false);
  });
});
