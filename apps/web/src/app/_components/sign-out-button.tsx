'use client';

import { useRouter } from 'next/navigation';
import { signOutAction } from '@/actions/sign-out';
import { useSignedIn } from '@/lib/auth/principal-context';

/** The signed-in user's name and role, and `Sign out`. */
export function SignOutButton({ className }: { className?: string }) {
  const signedIn = useSignedIn();
  const router = useRouter();
  if (!signedIn) return null;
  return (
    <div className={`flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400 ${className ?? ''}`}>
      <span>
        {signedIn.name} <span className="text-xs">({signedIn.role})</span>
      </span>
      <button
        type="button"
        onClick={() =>
          void signOutAction({}).then(() => {
            router.replace('/sign-in');
            router.refresh();
          })
        }
        className="rounded px-2 py-1 hover:bg-zinc-100 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:hover:bg-zinc-800"
      >
        Sign out
      </button>
    </div>
  );
}
