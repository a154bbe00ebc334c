import { apiKey } from '@better-auth/api-key';
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { username } from 'better-auth/plugins/username';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { userName } from './names.ts';

/** What `createAuth` needs: the registry's Prisma client and the cookie-signing secret. */
export interface AuthSettings {
  prisma: PrismaClient;
  secret: string;
  /** Where the dashboard is reached (`https://…` makes the session cookie `Secure`). */
  baseURL: string;
  /** better-auth's own warnings and errors go here. */
  logger: Logger;
  /** Default `defaultSessionLifetime`. */
  session?: SessionLifetime;
}

/**
 * How long a session lives after its last renewal (`maxAgeMs`), and how old it must be before a
 * request renews it (`renewAfterMs`; better-auth's `expiresIn`/`updateAge`, whole seconds). A session
 * used at least once per `maxAgeMs - renewAfterMs` never ends; one left alone ends `maxAgeMs` after
 * its last renewal.
 */
export interface SessionLifetime {
  maxAgeMs: number;
  renewAfterMs: number;
}

/** Session lifetime (ms): a week. */
export const sessionMaxAgeMs = 7 * 24 * 60 * 60 * 1000;
/** A week, renewed by the first request a day (or more) after the last renewal. */
export const defaultSessionLifetime: SessionLifetime = { maxAgeMs: sessionMaxAgeMs, renewAfterMs: 24 * 60 * 60 * 1000 };
/** Bearer tokens start with this, so a leaked one is recognisable. */
export const tokenPrefix = 'ccb_';

/**
 * The one better-auth instance of a process, over the registry's database: users sign in with
 * username + password (scrypt hash in `Account.password`), sessions are rows in `Session` (so they
 * survive a restart and hold on every server of one database), API tokens are `Apikey` rows
 * holding only a SHA-256 of the token. The role is a `User` column (an additional field, never
 * settable through better-auth's own routes). Sign-up is off: users are added by an admin
 * (`AuthService.addUser`). better-auth's HTTP rate limiting is off: sign-in goes through
 * `AuthService.signIn`, which keeps its own per-username counter in the database.
 */
export function createAuth({ prisma, secret, baseURL, logger, session = defaultSessionLifetime }: AuthSettings) {
  return betterAuth({
    database: prismaAdapter(prisma, { provider: 'postgresql' }),
    secret,
    baseURL,
    logger: {
      level: 'warn',
      log: (level, message) => (level === 'error' ? logger.error(`better-auth: ${message}`) : logger.warn(`better-auth: ${message}`)),
    },
    telemetry: { enabled: false },
    rateLimit: { enabled: false },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8, maxPasswordLength: 256 },
    session: { expiresIn: Math.round(session.maxAgeMs / 1000), updateAge: Math.round(session.renewAfterMs / 1000) },
    user: { additionalFields: { role: { type: 'string', required: true, defaultValue: 'viewer', input: false } } },
    plugins: [
      username({ minUsernameLength: 1, maxUsernameLength: 32, usernameValidator: (name) => userName.safeParse(name).success }),
      apiKey({ defaultPrefix: tokenPrefix, enableMetadata: true, rateLimit: { enabled: false } }),
    ],
  });
}

/** The better-auth instance `createAuth` makes. */
export type Auth = ReturnType<typeof createAuth>;
