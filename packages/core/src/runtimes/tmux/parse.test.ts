import { describe, expect, it } from 'vitest';

import { classifyTmuxFailure, lastPaneLines, linesAfter, literalArgument, parsePaneLine, parsePaneLines, parseScreens, splitCapture } from './parse.ts';

describe('parsePaneLine', () => {
  it('reads name, pid, dead flag and unix-second timestamps', () => {
    expect(parsePaneLine('billing\t5690\t0\t1795877665\t1795877700')).toEqual({
      sessionName: 'billing',
      panePid: 5690,
      isPaneDead: false,
      createdAt: new Date(1795877665 * 1000),
      lastActivityAt: new Date(1795877700 * 1000),
    });
  });

  it('keeps spaces and non-ASCII characters in session names', () => {
    expect(parsePaneLine('héllo wörld\t12\t1\t1\t2')?.sessionName).toBe('héllo wörld');
  });

  it('reads a dead pane', () => {
    expect(parsePaneLine('api\t42\t1\t1795877665\t1795877665')?.isPaneDead).toBe(true);
  });

  it('gives null pid and dates when tmux prints empty or zero fields', () => {
    const pane = parsePaneLine('api\t\t0\t0\t');
    expect(pane?.panePid).toBeNull();
    expect(pane?.createdAt).toBeNull();
    expect(pane?.lastActivityAt).toBeNull();
  });

  it('rejects lines without the session and dead fields', () => {
    expect(parsePaneLine('')).toBeNull();
    expect(parsePaneLine('just-a-name')).toBeNull();
  });

  it('rejects a line whose separators tmux replaced, as it does outside a UTF-8 locale', () => {
    expect(parsePaneLine('api_5690_0_1795877665_1795877700')).toBeNull();
    expect(parsePaneLine('api\t5690\t0\t1795877665')).toBeNull();
    expect(parsePaneLine('api\t5690\t0\t1795877665\t1795877700\textra')).toBeNull();
  });

  it('keeps an escaped tab in a session name as text', () => {
    expect(parsePaneLine('ta\\tb\t12\t0\t1\t2')?.sessionName).toBe('ta\\tb');
  });
});

describe('parsePaneLines', () => {
  it('keys sessions by exact name and keeps the first pane of each', () => {
    const stdout = [
      'bill\t100\t0\t1\t1',
      'billing\t200\t0\t1\t1',
      'billing\t201\t1\t1\t1',
      '',
    ].join('\n');
    const sessions = parsePaneLines(stdout);
    expect([...sessions.keys()]).toEqual(['bill', 'billing']);
    expect(sessions.get('billing')?.panePid).toBe(200);
    expect(sessions.get('billing')?.isPaneDead).toBe(false);
  });

  it('gives an empty map for empty output', () => {
    expect(parsePaneLines('').size).toBe(0);
  });

  it('fails with TMUX_ERROR on a line not in the format, rather than reading a session as gone', () => {
    const stdout = 'plain_11475_0_1796006899_1796006899\n';
    expect(() => parsePaneLines(stdout)).toThrow(expect.objectContaining({ code: 'TMUX_ERROR', message: expect.stringContaining('plain_11475') }));
    expect(() => parsePaneLines(`bill\t100\t0\t1\t1\n${stdout}`)).toThrow(expect.objectContaining({ code: 'TMUX_ERROR' }));
  });
});

describe('classifyTmuxFailure', () => {
  it('reads a stale socket and a missing socket as no server', () => {
    expect(classifyTmuxFailure('no server running on /tmp/x/sock\n')).toBe('no-server');
    expect(classifyTmuxFailure('error connecting to /tmp/x/sock (No such file or directory)\n')).toBe('no-server');
  });

  it('reads a server shutting down after its last session as no server, or as one that exited', () => {
    expect(classifyTmuxFailure('no current target\n')).toBe('no-server');
    expect(classifyTmuxFailure('server exited unexpectedly\n')).toBe('server-exited');
  });

  it('does not read a refused socket as no server', () => {
    expect(classifyTmuxFailure('error connecting to /tmp/x/sock (Permission denied)\n')).toBe('other');
  });

  it('reads a missing session and a duplicate name', () => {
    expect(classifyTmuxFailure("can't find session: bill\n")).toBe('no-session');
    expect(classifyTmuxFailure('duplicate session: billing\n')).toBe('duplicate-session');
  });

  it('reads anything else as other', () => {
    expect(classifyTmuxFailure('unknown command: frobnicate\n')).toBe('other');
  });
});

describe('lastPaneLines', () => {
  it('drops the blank rows below the cursor before taking the last lines', () => {
    expect(lastPaneLines('one\ntwo\nthree\n\n\n   \n', 2)).toBe('two\nthree');
  });

  it('returns everything when the pane has fewer lines than asked', () => {
    expect(lastPaneLines('one\ntwo\n', 10)).toBe('one\ntwo');
  });

  it('returns nothing for zero lines', () => {
    expect(lastPaneLines('one\n', 0)).toBe('');
  });
});

describe('splitCapture', () => {
  it('counts every line finished when the cursor is at the start of a row', () => {
    expect(splitCapture('one\ntwo\n\n\n', 0)).toEqual({ lines: ['one', 'two'], current: '' });
  });

  it('gives the line the cursor stands in as the line being drawn', () => {
    expect(splitCapture('one\n$ ls\n\n', 4)).toEqual({ lines: ['one'], current: '$ ls' });
    expect(splitCapture('$ \n', 2)).toEqual({ lines: [], current: '$ ' });
  });
});

describe('linesAfter', () => {
  it('gives the lines added below what was seen', () => {
    expect(linesAfter(['a', 'b'], ['a', 'b', 'c', 'd'])).toEqual(['c', 'd']);
  });

  it('follows a window that slid as lines scrolled into history', () => {
    expect(linesAfter(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual(['d']);
  });

  it('gives nothing when nothing changed, and everything when nothing overlaps', () => {
    expect(linesAfter(['a', 'b'], ['a', 'b'])).toEqual([]);
    expect(linesAfter(['a', 'b'], ['x', 'y'])).toEqual(['x', 'y']);
    expect(linesAfter([], ['x'])).toEqual(['x']);
  });

  it('counts a repeated line once per new occurrence', () => {
    expect(linesAfter(['.', '.'], ['.', '.', '.'])).toEqual(['.']);
  });
});

describe('literalArgument', () => {
  it('leaves a text alone unless it ends in a semicolon', () => {
    expect(literalArgument('echo a; echo b')).toBe('echo a; echo b');
    expect(literalArgument('')).toBe('');
  });

  it('writes a final semicolon as tmux reads it back: backslash, semicolon', () => {
    expect(literalArgument('a;')).toBe('a\\;');
    expect(literalArgument(';')).toBe('\\;');
    // tmux turns the final `\;` into `;` and keeps what comes before: `b\;` stays `b\;`.
    expect(literalArgument('b\\;')).toBe('b\\\\;');
  });
});

describe('parseScreens', () => {
  const marker = 'cc-bridge-screen-42';

  it('splits one sequence output into each session\'s foreground command and rows, blank rows kept', () => {
    const stdout = `${marker}:claude\n❯ hi\n\n  ? for shortcuts\n${marker}:bash\n$ \n\n`;
    const screens = parseScreens(stdout, marker, ['api', 'web']);
    expect(screens).toEqual(
      new Map([
        ['api', { command: 'claude', text: '❯ hi\n\n  ? for shortcuts' }],
        ['web', { command: 'bash', text: '$ \n' }],
      ]),
    );
  });

  it('reads a row that only resembles a marker as a row, and leaves out sessions it printed nothing for', () => {
    const stdout = `${marker}:node\ncc-bridge-screen-7:claude\n`;
    expect(parseScreens(stdout, marker, ['one', 'two'])).toEqual(new Map([['one', { command: 'node', text: 'cc-bridge-screen-7:claude' }]]));
    expect(parseScreens('', marker, ['one'])).toEqual(new Map());
  });
});
