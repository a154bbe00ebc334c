import { describe, expect, it } from 'vitest';

import { createEscapeStripper, createStyledTextFilter, lastLines, stripTerminalEscapes, styledText } from './terminal-text.ts';

describe('stripTerminalEscapes', () => {
  it('removes colours, cursor moves and titles, keeping the text', () => {
    expect(stripTerminalEscapes('\u001b[1;31merror\u001b[0m: \u001b[2Kdone')).toBe('error: done');
    expect(stripTerminalEscapes('\u001b]0;title\u0007hi \u001b]8;;http://x\u001b\\link')).toBe('hi link');
    expect(stripTerminalEscapes('\u001b=\u001b7plain')).toBe('plain');
  });

  it('leaves text without escapes as it is', () => {
    expect(stripTerminalEscapes('a [1m] b')).toBe('a [1m] b');
  });
});

describe('lastLines', () => {
  it('takes the last lines of terminal output ending in \\r\\n, without the trailing blank ones', () => {
    expect(lastLines('one\r\ntwo\r\nthree\r\n\r\n', 2)).toBe('two\nthree');
    expect(lastLines('one\ntwo\n', 5)).toBe('one\ntwo');
    expect(lastLines('one\n', 0)).toBe('');
  });
});

describe('createEscapeStripper', () => {
  it('removes a sequence cut across two chunks', () => {
    const strip = createEscapeStripper();
    expect(strip('red: \u001b[1;3')).toBe('red: ');
    expect(strip('1mtext\u001b[0m\n')).toBe('text\n');
    expect(strip('plain\u001b')).toBe('plain');
    expect(strip(']0;title\u0007after')).toBe('after');
  });
});

describe('createStyledTextFilter', () => {
  it('keeps colour sequences whole and drops every other sequence and control character', () => {
    const filter = createStyledTextFilter();
    expect(filter('\u001b[1;31merror\u001b[0m: \u001b[2K\u001b[3Adone\u0007\r\n')).toBe('\u001b[1;31merror\u001b[0m: done\n');
    expect(filter('\u001b]0;title\u0007\u001b[38;5;208mhi\u001b[?25l\u001b=\b!')).toBe('\u001b[38;5;208mhi!');
  });

  it('holds back a colour sequence cut across two chunks and gives it whole with the next', () => {
    const filter = createStyledTextFilter();
    expect(filter('red: \u001b[1;3')).toBe('red: ');
    expect(filter('1mtext\u001b[0m\n')).toBe('\u001b[1;31mtext\u001b[0m\n');
  });

  it('drops a lone carriage return but keeps the line it belongs to', () => {
    const filter = createStyledTextFilter();
    expect(filter('50%\r100%\n')).toBe('50%100%\n');
  });
});

describe('styledText', () => {
  it('keeps colours, takes out other sequences, and drops a sequence cut off at the end of a line being drawn', () => {
    expect(styledText('\u001b[31mred\u001b[0m\u001b[2K\r\n')).toBe('\u001b[31mred\u001b[0m\n');
    expect(styledText('$ \u001b[3')).toBe('$ ');
  });
});
