'use client';

import type { CreatedToken, SerializedError, TokenSummary } from '@cc-bridge/core';
import { roleAllows, roles, type Role } from '@cc-bridge/core/auth/roles';
import { Banner, Button, ConfirmDialog, RelativeTime, SelectField, TextField, useToast } from '@cc-bridge/ui';
import { useRouter } from 'next/navigation';
import { useState, type SyntheticEvent } from 'react';
import { createOwnTokenAction, revokeOwnTokenAction } from '@/actions/tokens';
import { errorSentence } from '@/lib/error-messages';
import { formText } from '@/lib/form-text';
import { CreatedTokenNotice } from '../../_components/created-token';

const section = 'rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900';
const cell = 'px-2 py-1.5 text-left';
/** The expiries offered, in days ('' never). */
const expiries = [
  { value: '', label: 'Never' },
  ...[7, 30, 90, 365].map((days) => ({ value: String(days), label: `In ${String(days)} days` })),
];

/** The first message per field of a failed action, or the whole error under `form` when it names no field. */
function formErrorsOf(error: SerializedError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error.fieldErrors ?? {})) if (messages[0]) errors[field] = messages[0];
  return Object.keys(errors).length > 0 ? errors : { form: errorSentence(error) };
}

/**
 * /settings/tokens: a "Create token" form (name, a role up to the caller's, an expiry) whose token
 * is shown once, and the tokens table with a confirmed Revoke per row: the caller's own, or
 * (`showsEveryone`, admins) everyone's with their owner. Each change is one server action; the
 * page's server data is read again afterwards (router.refresh).
 */
export function TokensView({ tokens, self, showsEveryone }: { tokens: TokenSummary[]; self: { name: string; role: Role }; showsEveryone: boolean }) {
  const router = useRouter();
  const { toast } = useToast();
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<TokenSummary | null>(null);

  const create = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const expiry = formText(form, 'expires');
    setPending(true);
    try {
      const result = await createOwnTokenAction({ name: formText(form, 'name'), role: formText(form, 'role') as Role, expiresInDays: expiry === '' ? null : Number(expiry) });
      if (!result.ok) {
        setErrors(formErrorsOf(result.error));
        return;
      }
      setErrors({});
      setCreated(result.data);
      formElement.reset();
      toast({ variant: 'success', title: 'Token created' });
      router.refresh();
    } finally {
      setPending(false);
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    setPending(true);
    try {
      const result = await revokeOwnTokenAction({ id: revoking.id });
      if (result.ok) {
        toast({ variant: 'success', title: `Revoked ${revoking.name}` });
        router.refresh();
      } else {
        toast({ variant: 'error', title: 'Could not revoke the token', description: errorSentence(result.error) });
      }
    } finally {
      setPending(false);
      setRevoking(null);
    }
  };

  return (
    <>
      <section aria-labelledby="create-token-heading" className={section}>
        <h2 id="create-token-heading" className="mb-2 font-semibold">
          Create a token
        </h2>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          A token lets a program use the REST API (<code>/api/v1</code>) as you, with <code>Authorization: Bearer TOKEN</code>, up to the role you give it.
        </p>
        <form aria-label="Create token" onSubmit={(event) => void create(event)} noValidate className="grid gap-3 sm:grid-cols-4 sm:items-end">
          <TextField label="Token name" name="name" autoComplete="off" spellCheck={false} maxLength={32} required error={errors.name} />
          <SelectField label="Role" name="role" options={roles.map((role) => ({ value: role, label: role, disabled: !roleAllows(self.role, role) }))} defaultValue={self.role} error={errors.role} />
          <SelectField label="Expires" name="expires" options={expiries} defaultValue="" error={errors.expiresInDays} />
          <Button type="submit" variant="primary" disabled={pending}>
            Create token
          </Button>
          {errors.form ? <Banner variant="error" title={errors.form} className="sm:col-span-4" /> : null}
        </form>
        {created ? <CreatedTokenNotice created={created} onDone={() => setCreated(null)} /> : null}
      </section>

      <section aria-labelledby="tokens-heading" className={section}>
        <h2 id="tokens-heading" className="mb-2 font-semibold">
          {showsEveryone ? 'Every user’s tokens' : 'Your tokens'}
        </h2>
        {tokens.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No tokens yet.</p>
        ) : (
          <table aria-label="API tokens" className="w-full text-sm">
            <thead>
              <tr className="border-b border-zinc-200 dark:border-zinc-800">
                <th className={cell}>Name</th>
                <th className={cell}>Token</th>
                {showsEveryone ? <th className={cell}>User</th> : null}
                <th className={cell}>Role</th>
                <th className={cell}>Created</th>
                <th className={cell}>Last used</th>
                <th className={cell}>Expires</th>
                <th className={cell}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                  <td className={cell}>{token.name}</td>
                  <td className={`${cell} font-mono`}>{`${token.start ?? token.id.slice(0, 8)}…`}</td>
                  {showsEveryone ? <td className={cell}>{token.user === self.name ? `${token.user} (you)` : token.user}</td> : null}
                  <td className={cell}>{token.role}</td>
                  <td className={cell}>
                    <RelativeTime date={token.createdAt} />
                  </td>
                  <td className={cell}>
                    <RelativeTime date={token.lastUsedAt} fallback="never" />
                  </td>
                  <td className={cell}>
                    <RelativeTime date={token.expiresAt} fallback="never" />
                  </td>
                  <td className={cell}>
                    <Button size="sm" variant="danger" onClick={() => setRevoking(token)}>
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? ''}${revoking && revoking.user !== self.name ? ` of ${revoking.user}` : ''}?`}
        description="Requests with this token are refused from now on."
        confirmLabel="Revoke"
        isDestructive
        isPending={pending}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
      />
    </>
  );
}
