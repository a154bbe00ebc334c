'use client';

import type { CreatedToken } from '@cc-bridge/core';
import { Button, useToast } from '@cc-bridge/ui';

/**
 * A token just created, shown this once (region `New token`, read-only text box `Token`) with a
 * Copy button (the clipboard) and Done (`onDone` hides it). Used by /settings/tokens and /settings/users.
 */
export function CreatedTokenNotice({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const { toast } = useToast();
  const copy = () =>
    navigator.clipboard.writeText(created.token).then(
      () => toast({ variant: 'success', title: 'Token copied' }),
      () => toast({ variant: 'error', title: 'Could not copy the token', description: 'Select it and copy it by hand.' }),
    );
  return (
    <div role="region" aria-label="New token" className="mt-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950">
      <p className="font-medium">
        The token {created.name === created.user ? '' : `“${created.name}” `}for {created.user} ({created.role}
        {created.expiresAt ? `, expires ${created.expiresAt.toISOString().slice(0, 10)}` : ''}). Copy it now: it will not be shown again.
      </p>
      <div className="mt-2 flex gap-2">
        <input
          aria-label="Token"
          readOnly
          value={created.token}
          onFocus={(event) => event.currentTarget.select()}
          className="w-full rounded border border-zinc-300 bg-white px-2 py-1 font-mono dark:border-zinc-700 dark:bg-zinc-900"
        />
        <Button size="sm" onClick={() => void copy()}>
          Copy
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
