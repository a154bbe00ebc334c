import { describe, expect, it } from 'vitest';
import { OutputBuffer, outputBackground, spanStyle, styleSequence } from './output-buffer';

const texts = (buffer: OutputBuffer) => buffer.lines.map((line) => line.spans.map((span) => span.text).join(''));

describe('OutputBuffer', () => {
  it('shows finished lines, then the line being drawn, which each update replaces', () => {
    const buffer = new OutputBuffer(100);
    buffer.update('one\n', '$ ');
    expect(texts(buffer)).toEqual(['one', '$ ']);
    buffer.update('', '$ ec');
    buffer.update('', '$ echo hi');
    expect(texts(buffer)).toEqual(['one', '$ echo hi']);
    buffer.update('$ echo hi\nhi\n', '$ ');
    // The finished line took the place of the line being drawn: no line twice, none lost.
    expect(texts(buffer)).toEqual(['one', '$ echo hi', 'hi', '$ ']);
    buffer.update('', '');
    expect(texts(buffer)).toEqual(['one', '$ echo hi', 'hi']);
    expect(buffer.text).toBe('one\n$ echo hi\nhi');
  });

  it('keeps the key of the line being drawn when it is finished, and leaves finished lines untouched', () => {
    const buffer = new OutputBuffer(100);
    buffer.update('done\n', 'hal');
    const [done, half] = buffer.lines;
    buffer.update('', 'half');
    expect(buffer.lines[0]).toBe(done);
    expect(buffer.lines[1]?.key).toBe(half?.key);
    buffer.update('half\n', 'next');
    expect(buffer.lines[0]).toBe(done);
    expect(buffer.lines[1]?.key).toBe(half?.key);
    expect(new Set(buffer.lines.map((line) => line.key)).size).toBe(3);
  });

  it('keeps at most maxLines, the line being drawn among them, dropping the oldest', () => {
    const buffer = new OutputBuffer(3);
    buffer.update(Array.from({ length: 10 }, (_, index) => `line ${String(index)}\n`).join(''), '');
    expect(texts(buffer)).toEqual(['line 7', 'line 8', 'line 9']);
    expect(buffer.dropped).toBe(7);
    buffer.update('', '$ ');
    expect(texts(buffer)).toEqual(['line 8', 'line 9', '$ ']);
    expect(buffer.dropped).toBe(8);
  });

  it('styles text by its colour sequences, a colour holding across updates and lines until reset', () => {
    const buffer = new OutputBuffer(100);
    buffer.update('\u001b[31mred\n', '');
    buffer.update('still red\u001b[0m plain\n\u001b[1;38;5;208mbold orange\u001b[0m\n', '');
    const [first, second, third] = buffer.lines;
    expect(first?.spans).toEqual([{ text: 'red', style: { color: '#cc0000' } }]);
    expect(second?.spans).toEqual([
      { text: 'still red', style: { color: '#cc0000' } },
      { text: ' plain', style: null },
    ]);
    expect(third?.spans).toEqual([{ text: 'bold orange', style: { color: '#ff8700', fontWeight: 700 } }]);
    expect(buffer.text).toBe('red\nstill red plain\nbold orange');
  });

  it('draws the line being drawn in the colour the finished lines left, which replacing it never changes', () => {
    const buffer = new OutputBuffer(100);
    buffer.update('\u001b[4;38;2;1;2;3;44mset\n', 'still \u001b[0mreset');
    expect(buffer.lines[1]?.spans).toEqual([
      { text: 'still ', style: { color: '#010203', backgroundColor: '#3465a4', textDecorationLine: 'underline' } },
      { text: 'reset', style: null },
    ]);
    // The reset in the line being drawn was not kept: the next one starts in the same colours.
    buffer.update('', 'again');
    expect(buffer.lines[1]?.spans).toEqual([{ text: 'again', style: { color: '#010203', backgroundColor: '#3465a4', textDecorationLine: 'underline' } }]);
  });
});

describe('styleSequence', () => {
  it('writes the sequence that sets a style from a terminal\'s default, and nothing for none', () => {
    expect(styleSequence({ foreground: { type: 'named', name: 'brightRed' }, background: { type: 'table', index: 208 }, decorations: new Set(['bold']) })).toBe('\u001b[1;91;48;5;208m');
    expect(styleSequence({ foreground: { type: 'named', name: 'green' }, background: { type: 'named', name: 'brightWhite' }, decorations: new Set() })).toBe('\u001b[32;107m');
    expect(styleSequence({ foreground: null, background: null, decorations: new Set() })).toBe('');
  });
});

describe('spanStyle', () => {
  it('swaps colours for reverse video, the pane’s own where a side has none', () => {
    expect(spanStyle({ foreground: { type: 'rgb', rgb: [1, 2, 3] }, background: null, decorations: new Set(['reverse']) })).toEqual({
      color: outputBackground,
      backgroundColor: '#010203',
    });
  });

  it('writes decorations as CSS and nothing for plain text', () => {
    expect(spanStyle({ foreground: null, background: null, decorations: new Set(['underline', 'strikethrough', 'italic', 'dim']) })).toEqual({
      fontStyle: 'italic',
      textDecorationLine: 'underline line-through',
      opacity: 0.6,
    });
    expect(spanStyle({ foreground: null, background: null, decorations: new Set() })).toBeNull();
  });
});
