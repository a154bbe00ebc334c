import { z } from 'zod';
import { roles } from './roles.ts';

/** A user's name: 1–32 of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit (stored lower-case). */
export const userName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,31}$/, { error: 'must be 1–32 of a-z, 0-9, ".", "_", "-", starting with a letter or digit' });

/** One of the roles (roles.ts). */
export const roleInput = z.enum(roles, { error: `must be one of ${roles.join(', ')}` });

/** A new password: 8–256 characters. */
export const passwordInput = z
  .string()
  .min(8, { error: 'must be at least 8 characters' })
  .max(256, { error: 'must be at most 256 characters' });
