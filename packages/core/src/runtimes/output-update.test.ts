import { describe, expect, it } from 'vitest';

import { createOutputLineSplitter } from './output-update.ts';

describe('createOutputLineSplitter', () => {
  it('gives finished lines and the line still being written, which the next chunk completes', () => {
    const lines = createOutputLineSplitter();
    expect(lines.push('one\ntw')).toEqual({ text: 'one\n', current: 'tw' });
    expect(lines.push('o')).toEqual({ text: '', current: 'two' });
    expect(lines.push('\n\nthree\n')).toEqual({ text: 'two\n\nthree\n', current: '' });
    expect(lines.push('')).toBeNull();
  });

  it('keeps a terminal\'s \\r\\n endings and a sequence cut at a chunk\'s end for the reader', () => {
    const lines = createOutputLineSplitter();
    expect(lines.push('$ \u001b[3')).toEqual({ text: '', current: '$ \u001b[3' });
    expect(lines.push('1mred\r\n')).toEqual({ text: '$ \u001b[31mred\r\n', current: '' });
  });

  it('counts the unfinished line finished when the log ends, once', () => {
    const lines = createOutputLineSplitter();
    lines.push('a\nlast');
    expect(lines.held()).toBe('last');
    expect(lines.finish()).toEqual({ text: 'last\n', current: '' });
    expect(lines.held()).toBe('');
    expect(lines.finish()).toBeNull();
  });

  it('cuts a line longer than the bound, as a terminal wraps it, so what it holds stays bounded', () => {
    const lines = createOutputLineSplitter(4);
    expect(lines.push('abcdefghij')).toEqual({ text: 'abcd\nefgh\n', current: 'ij' });
    expect(lines.push('kl\n')).toEqual({ text: 'ijkl\n', current: '' });
  });
});
