'use client';

import { Button } from '@cc-bridge/ui';
import dynamic from 'next/dynamic';
import { useState } from 'react';

// xterm.js is only fetched when a terminal is opened.
const TerminalView = dynamic(() => import('./terminal-view'), { ssr: false, loading: () => <p className="text-sm">Loading the terminal…</p> });

/** The detail page's terminal: closed until `Open terminal`; `Close terminal` detaches. */
export function TerminalSection({ name }: { name: string }) {
  const [isOpen, setIsOpen] = useState(false);
  const [readOnly, setReadOnly] = useState(false);
  // Not a named region: the name `Terminal` belongs to the terminal itself.
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mb-2 flex flex-wrap items-center gap-3">
        <h2 className="text-sm font-semibold">
          Terminal
        </h2>
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" checked={readOnly} onChange={(event) => setReadOnly(event.target.checked)} />
          Read-only
        </label>
        {isOpen ? (
          <Button size="sm" onClick={() => setIsOpen(false)}>
            Close terminal
          </Button>
        ) : (
          <Button size="sm" onClick={() => setIsOpen(true)}>
            Open terminal
          </Button>
        )}
      </div>
      {/* A new key per mode: switching read-only reattaches with the other mode. */}
      {isOpen ? <TerminalView key={readOnly ? 'ro' : 'rw'} name={name} readOnly={readOnly} /> : null}
    </section>
  );
}
