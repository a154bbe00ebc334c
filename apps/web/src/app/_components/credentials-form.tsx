'use client';

import { useRouter } from 'next/navigation';
import { useState, type SyntheticEvent } from 'react';
import { setUpAction } from '@/actions/set-up';
import { signInAction } from '@/actions/sign-in';
import { describeError } from '@/lib/error-messages';

/** Where to go after signing in: a path on this dashboard only (never another host). */
function safeNext(next: string | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/instances';
}

/**
 * Username + password, for signing in (`mode: 'sign-in'`) or for creating the first admin
 * (`'setup'`). On success the whole page is loaded again, so the server renders it signed in.
 */
export function CredentialsForm({ mode, next }: { mode: 'sign-in' | 'setup'; next?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [isPending, setPending] = useState(false);
  const router = useRouter();
  // The root layout renders the header for a signed-in user: refresh it with the page.
  const go = (target: string) => {
    router.replace(target);
    router.refresh();
  };

  const submit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const credentials = { username: text('username'), password: text('password') };
    setPending(true);
    setError(null);
    try {
      if (mode === 'sign-in') {
        const result = await signInAction(credentials);
        if (!result.ok) setError(describeError(result.error).detail ?? describeError(result.error).title);
        else if (!result.data.signedIn) setError(result.data.reason);
        else go(safeNext(next));
      } else {
        const result = await setUpAction(credentials);
        if (!result.ok) {
          const text = describeError(result.error);
          setError(text.detail ?? text.title);
        } else go('/instances');
      }
    } finally {
      setPending(false);
    }
  };

  const field = 'mt-1 block w-full rounded border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900';
  return (
    <form onSubmit={(event) => void submit(event)} className="space-y-4" noValidate>
      <label className="block text-sm font-medium">
        Username
        <input name="username" type="text" autoComplete="username" required autoCapitalize="none" spellCheck={false} className={field} />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete={mode === 'setup' ? 'new-password' : 'current-password'} required className={field} />
      </label>
      {error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={isPending}
        className="w-full rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none disabled:opacity-60"
      >
        {mode === 'sign-in' ? 'Sign in' : 'Create admin and sign in'}
      </button>
    </form>
  );
}
