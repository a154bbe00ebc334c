'use client';

import { roleAllows, type Role } from '@cc-bridge/core/auth/roles';
import { createContext, useContext, type ReactNode } from 'react';

/** Who is signed in, as the pages see it: a name and a role (null while signed out). */
export interface SignedIn {
  name: string;
  role: Role;
}

const SignedInContext = createContext<SignedIn | null>(null);

/** Gives the pages the signed-in user (the root layout reads it on the server). */
export function SignedInProvider({ value, children }: { value: SignedIn | null; children: ReactNode }) {
  return <SignedInContext.Provider value={value}>{children}</SignedInContext.Provider>;
}

/** The signed-in user, or null. */
export function useSignedIn(): SignedIn | null {
  return useContext(SignedInContext);
}

/**
 * Whether the signed-in user's role allows what needs `needed`: the UI hides what it does not
 * (the server refuses it anyway, see safe-action.ts and route-guard.ts).
 */
export function useCan(needed: Role): boolean {
  const signedIn = useContext(SignedInContext);
  return signedIn !== null && roleAllows(signedIn.role, needed);
}
