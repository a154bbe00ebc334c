// Sign-in, roles and API tokens (issue 11). Loaded on demand (`CcBridge.auth()`): better-auth is
// not imported by commands that do not need it.
export { createAuth, defaultSessionLifetime, sessionMaxAgeMs, tokenPrefix, type Auth, type AuthSettings, type SessionLifetime } from './auth.ts';
export { passwordInput, roleInput, userName } from './names.ts';
export { roleAllows, roles, type Role } from './roles.ts';
export { resolveAuthSecret } from './secret.ts';
export { AuthService, signInLimit, tokenMaxDays, type Authorization, type CreatedToken, type NewTokenInput, type NewUserInput, type Principal, type RenewedSession, type SignInResult, type TokenSummary, type UserSummary } from './service.ts';
