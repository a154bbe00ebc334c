import type { InstanceType } from '../types.ts';
import { cx } from '../lib/cx.ts';

function TmuxGlyph() {
  return (
    <svg aria-hidden="true" focusable="false" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" className="size-4 shrink-0">
      <rect x="1.75" y="2.75" width="12.5" height="10.5" rx="1.5" />
      <path d="M4.5 6.5 6.5 8l-2 1.5M8 10h3" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function DockerGlyph() {
  return (
    <svg aria-hidden="true" focusable="false" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" className="size-4 shrink-0">
      <path d="M8 1.75 13.75 5v6L8 14.25 2.25 11V5L8 1.75Z" strokeLinejoin="round" />
      <path d="M2.25 5 8 8.25 13.75 5M8 8.25v6" strokeLinejoin="round" />
    </svg>
  );
}

const glyphs: Record<InstanceType, () => React.JSX.Element> = { tmux: TmuxGlyph, docker: DockerGlyph };

/** The type's name is always in the text (visible by default, or for screen readers only). */
export function TypeIcon({ type, showLabel = true, className }: { type: InstanceType; showLabel?: boolean; className?: string }) {
  const Glyph = glyphs[type];
  return (
    <span className={cx('inline-flex items-center gap-1.5 text-zinc-700 dark:text-zinc-300', className)}>
      <Glyph />
      <span className={showLabel ? undefined : 'sr-only'}>{type}</span>
    </span>
  );
}
