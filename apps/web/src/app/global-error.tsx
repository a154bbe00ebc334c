'use client';

import './globals.css';

/**
 * Shown when the root layout itself fails. Next.js's built-in page styles itself inline, which
 * the Content-Security-Policy refuses; this one uses the stylesheet.
 */
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <title>Error · cc-bridge</title>
        <main className="mx-auto max-w-xl space-y-3 py-16 text-center">
          <h1 className="text-2xl font-semibold">Something went wrong</h1>
          <p className="text-neutral-600 dark:text-neutral-400">The server log says what happened.</p>
          <button type="button" className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-600" onClick={() => retry()}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
