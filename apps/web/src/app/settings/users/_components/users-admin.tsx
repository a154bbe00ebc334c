'use client';

import type { CreatedToken, SerializedError, TokenSummary, UserSummary } from '@cc-bridge/core';
import { roleAllows, roles, type Role } from '@cc-bridge/core/auth/roles';
import { Banner, Button, ConfirmDialog, RelativeTime, SelectField, TextField, useToast } from '@cc-bridge/ui';
import { useRouter } from 'next/navigation';
import { useState, type SyntheticEvent } from 'react';
import { addUserAction, createTokenAction, removeUserAction, revokeTokenAction } from '@/actions/users';
import type { ActionResult } from '@/actions/safe-action';
import { clashFieldErrors, errorSentence } from '@/lib/error-messages';
import { formText } from '@/lib/form-text';
import { CreatedTokenNotice } from '../../_components/created-token';

const section = 'rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900';
const cell = 'px-2 py-1.5 text-left';

/** The first message per field of a failed action: core's INVALID_INPUT field errors, a taken name under `name`. */
function fieldErrorsOf(error: SerializedError): Record<string, string> {
  const errors = clashFieldErrors(error) ?? error.fieldErrors ?? {};
  return Object.fromEntries(Object.entries(errors).flatMap(([field, messages]) => (messages[0] ? [[field, messages[0]]] : [])));
}

/**
 * The users and API tokens of /settings/users: tables with Remove/Revoke (confirmed), an "Add user"
 * form and a "Create token" form whose token is shown once. Each change is one admin server action;
 * the page's server data is read again afterwards (router.refresh).
 */
export function UsersAdmin({ users, tokens, self }: { users: UserSummary[]; tokens: TokenSummary[]; self: string }) {
  const router = useRouter();
  const { toast } = useToast();
  const [pending, setPending] = useState(false);
  const [userErrors, setUserErrors] = useState<Record<string, string>>({});
  const [tokenErrors, setTokenErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [tokenUser, setTokenUser] = useState(users[0]?.name ?? '');
  const [confirm, setConfirm] = useState<{ kind: 'user'; name: string } | { kind: 'token'; id: string; label: string } | null>(null);
  const userRole: Role = users.find((user) => user.name === tokenUser)?.role ?? 'viewer';

  /** Runs an action; on success toasts `done` and reads the page again, else returns the error. */
  async function run<T>(call: Promise<ActionResult<T>>, done: string): Promise<ActionResult<T>> {
    setPending(true);
    try {
      const result = await call;
      if (result.ok) {
        toast({ variant: 'success', title: done });
        router.refresh();
      }
      return result;
    } finally {
      setPending(false);
    }
  }

  const addUser = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = formText(form, 'name');
    const result = await run(addUserAction({ name, role: formText(form, 'role') as Role, password: formText(form, 'password') }), `Added ${name}`);
    if (result.ok) {
      setUserErrors({});
      formElement.reset();
    } else {
      const errors = fieldErrorsOf(result.error);
      setUserErrors(Object.keys(errors).length > 0 ? errors : { form: errorSentence(result.error) });
    }
  };

  const createToken = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await run(createTokenAction({ user: formText(form, 'user'), role: formText(form, 'role') as Role }), 'Token created');
    if (result.ok) {
      setTokenErrors({});
      setCreated(result.data);
    } else {
      const errors = fieldErrorsOf(result.error);
      setTokenErrors(Object.keys(errors).length > 0 ? errors : { form: errorSentence(result.error) });
    }
  };

  const confirmed = async () => {
    if (!confirm) return;
    const result =
      confirm.kind === 'user'
        ? await run(removeUserAction({ name: confirm.name }), `Removed ${confirm.name}`)
        : await run(revokeTokenAction({ id: confirm.id }), `Revoked ${confirm.label}`);
    if (!result.ok) toast({ variant: 'error', title: confirm.kind === 'user' ? 'Could not remove the user' : 'Could not revoke the token', description: errorSentence(result.error) });
    setConfirm(null);
  };

  return (
    <>
      <section aria-labelledby="users-heading" className={section}>
        <h2 id="users-heading" className="mb-2 font-semibold">
          Users
        </h2>
        <table aria-label="Users" className="w-full text-sm">
          <thead>
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th className={cell}>Name</th>
              <th className={cell}>Role</th>
              <th className={cell}>Created</th>
              <th className={cell}>Tokens</th>
              <th className={cell}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.name} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                <td className={cell}>{user.name}</td>
                <td className={cell}>{user.role}</td>
                <td className={cell}>
                  <RelativeTime date={user.createdAt} />
                </td>
                <td className={cell}>{user.tokens}</td>
                <td className={cell}>
                  {user.name === self ? null : (
                    <Button size="sm" variant="danger" aria-label={`Remove ${user.name}`} onClick={() => setConfirm({ kind: 'user', name: user.name })}>
                      Remove
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form aria-label="Add user" onSubmit={(event) => void addUser(event)} noValidate className="mt-4 grid gap-3 sm:grid-cols-4 sm:items-end">
          <TextField label="Username" name="name" autoComplete="off" autoCapitalize="none" spellCheck={false} required error={userErrors.name} />
          <SelectField label="Role" name="role" options={roles} defaultValue="viewer" error={userErrors.role} />
          <TextField label="Password" name="password" type="password" autoComplete="new-password" required error={userErrors.password} />
          <Button type="submit" variant="primary" disabled={pending}>
            Add user
          </Button>
          {userErrors.form ? (
            <Banner variant="error" title={userErrors.form} className="sm:col-span-4" />
          ) : null}
        </form>
      </section>

      <section aria-labelledby="tokens-heading" className={section}>
        <h2 id="tokens-heading" className="mb-2 font-semibold">
          API tokens
        </h2>
        <table aria-label="API tokens" className="w-full text-sm">
          <thead>
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th className={cell}>Token</th>
              <th className={cell}>User</th>
              <th className={cell}>Role</th>
              <th className={cell}>Created</th>
              <th className={cell}>Last used</th>
              <th className={cell}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => {
              const label = `${token.start ?? token.id.slice(0, 8)}…`;
              return (
                <tr key={token.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                  <td className={`${cell} font-mono`}>{label}</td>
                  <td className={cell}>{token.user}</td>
                  <td className={cell}>{token.role}</td>
                  <td className={cell}>
                    <RelativeTime date={token.createdAt} />
                  </td>
                  <td className={cell}>
                    <RelativeTime date={token.lastUsedAt} fallback="never" />
                  </td>
                  <td className={cell}>
                    <Button size="sm" variant="danger" aria-label={`Revoke ${label} of ${token.user}`} onClick={() => setConfirm({ kind: 'token', id: token.id, label })}>
                      Revoke
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <form aria-label="Create token" onSubmit={(event) => void createToken(event)} noValidate className="mt-4 grid gap-3 sm:grid-cols-3 sm:items-end">
          <SelectField label="User" name="user" options={users.map((user) => user.name)} value={tokenUser} onChange={(event) => setTokenUser(event.target.value)} error={tokenErrors.user} />
          <SelectField
            key={tokenUser}
            label="Token role"
            name="role"
            options={roles.map((role) => ({ value: role, label: role, disabled: !roleAllows(userRole, role) }))}
            defaultValue={userRole}
            error={tokenErrors.role}
          />
          <Button type="submit" variant="primary" disabled={pending || users.length === 0}>
            Create token
          </Button>
          {tokenErrors.form ? (
            <Banner variant="error" title={tokenErrors.form} className="sm:col-span-3" />
          ) : null}
        </form>
        {created ? <CreatedTokenNotice created={created} onDone={() => setCreated(null)} /> : null}
      </section>

      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.kind === 'user' ? `Remove ${confirm.name}?` : `Revoke ${confirm?.kind === 'token' ? confirm.label : ''}?`}
        description={confirm?.kind === 'user' ? 'Their sessions and API tokens go with them.' : 'Requests with this token are refused from now on.'}
        confirmLabel={confirm?.kind === 'user' ? 'Remove' : 'Revoke'}
        isDestructive
        isPending={pending}
        onConfirm={() => void confirmed()}
        onCancel={() => setConfirm(null)}
      />
    </>
  );
}
