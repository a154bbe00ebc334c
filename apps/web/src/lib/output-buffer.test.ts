import { describe, expect, it } from 'vitest';
import { OutputBuffer, outputBackground, spanStyle } from './output-buffer';

const texts = (buffer: OutputBuffer) => buffer.lines.map((line) => line.spans.map((span) => span.text).join(''));

describe('OutputBuffer', () => {
  it('joins chunks into lines, continuing a line a chunk left open', () => {
    const buffer = new OutputBuffer(100);
    buffer.append('one\ntw');
    expect(texts(buffer)).toEqual(['one', 'tw']);
    buffer.append('o\n\nthree\n');
    expect(texts(buffer)).toEqual(['one', 'two', '', 'three']);
    expect(buffer.text).toBe('one\ntwo\n\nthree');
  });

  it('keeps a line’s key while it grows and leaves finished lines untouched', () => {
    const buffer = new OutputBuffer(100);
    buffer.append('done\nhal');
    const [done, half] = buffer.lines;
    buffer.append('f\n');
    expect(buffer.lines[0]).toBe(done);
    expect(buffer.lines[1]?.key).toBe(half?.key);
    buffer.append('next\n');
    expect(new Set(buffer.lines.map((line) => line.key)).size).toBe(3);
  });

  it('keeps at most maxLines, dropping the oldest', () => {
    const buffer = new OutputBuffer(3);
    buffer.append(Array.from({ length: 10 }, (_, index) => `line ${String(index)}\n`).join(''));
    expect(texts(buffer)).toEqual(['line 7', 'line 8', 'line 9']);
    expect(buffer.dropped).toBe(7);
  });

  it('styles text by its colour sequences, a colour holding across chunks and lines until reset', () => {
    const buffer = new OutputBuffer(100);
    buffer.append('\u001b[31mred\n');
    buffer.append('still red\u001b[0m plain\n\u001b[1;38;5;208mbold orange\u001b[0m\n');
    const [first, second, third] = buffer.lines;
    expect(first?.spans).toEqual([{ text: 'red', style: { color: '#cc0000' } }]);
    expect(second?.spans).toEqual([
      { text: 'still red', style: { color: '#cc0000' } },
      { text: ' plain', style: null },
    ]);
    expect(third?.spans).toEqual([{ text: 'bold orange', style: { color: '#ff8700', fontWeight: 700 } }]);
    expect(buffer.text).toBe('red\nstill red plain\nbold orange');
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
