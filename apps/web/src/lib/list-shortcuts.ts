// The /instances page's keyboard shortcuts, as pure decisions the view's one keydown listener
// asks: which key means what, and when a key belongs to something else (typing, a dialog, a
// button's own Enter). Six single keys with no chords or sequences: a plain listener is enough,
// so no shortcut library is added.

export type ListShortcut = 'focusSearch' | 'nextRow' | 'previousRow' | 'openRow' | 'toggleRow' | 'showHelp';

/** What the listener knows of a keydown: the key, its modifiers, and where focus is. */
export interface ShortcutKey {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element's tag (upper case, as the DOM gives it), its `type` and contentEditable. */
  targetTag: string;
  targetType: string | null;
  targetIsEditable: boolean;
  /** A modal dialog is open: its own keys win. */
  isDialogOpen: boolean;
}

/** Shown by `?`, in this order. */
export const listShortcuts: ReadonlyArray<{ keys: string[]; description: string }> = [
  { keys: ['/'], description: 'Focus the search box' },
  { keys: ['j'], description: 'Next row' },
  { keys: ['k'], description: 'Previous row' },
  { keys: ['Enter'], description: 'Open the focused row' },
  { keys: ['x'], description: 'Select or unselect the focused row' },
  { keys: ['?'], description: 'Show these shortcuts' },
];

const keyShortcuts: Record<string, ListShortcut> = {
  '/': 'focusSearch',
  j: 'nextRow',
  k: 'previousRow',
  Enter: 'openRow',
  x: 'toggleRow',
  '?': 'showHelp',
};

// Controls that take text: a letter typed there is text, not a command.
const textInputTypes = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'datetime-local', 'month', 'time', 'week']);

function isTyping(key: ShortcutKey): boolean {
  if (key.targetIsEditable || key.targetTag === 'TEXTAREA' || key.targetTag === 'SELECT') return true;
  return key.targetTag === 'INPUT' && textInputTypes.has(key.targetType ?? 'text');
}

// Enter on these already does something (press, follow, tick): the shortcut must not add a second act.
const enterTakers = new Set(['BUTTON', 'A', 'INPUT', 'SUMMARY', 'SELECT', 'TEXTAREA']);

/** The shortcut a keydown means on /instances, or null when the key belongs to something else. */
export function listShortcutFor(key: ShortcutKey): ListShortcut | null {
  if (key.ctrlKey || key.metaKey || key.altKey || key.isDialogOpen || isTyping(key)) return null;
  const shortcut = keyShortcuts[key.key];
  if (!shortcut) return null;
  if (shortcut === 'openRow' && enterTakers.has(key.targetTag)) return null;
  return shortcut;
}

/**
 * The row index `j`/`k` move to among `count` rows from `current` (null: none yet, which starts
 * at the first row either way); stays at the ends rather than wrapping.
 */
export function movedRowIndex(current: number | null, count: number, step: 1 | -1): number | null {
  if (count === 0) return null;
  if (current === null) return 0;
  return Math.min(count - 1, Math.max(0, current + step));
}
