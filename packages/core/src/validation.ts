import type { z } from 'zod';
import { CcBridgeError, type FieldErrors } from './errors.ts';

/** Parses input at core's edge; a failure is INVALID_INPUT naming each field and what is wrong. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) (fieldErrors[key] ??= []).push('is not a field of an instance');
      continue;
    }
    const path = issue.path.join('.') || what;
    (fieldErrors[path] ??= []).push(issue.message);
  }
  const summary = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field} ${messages.join(', ')}`)
    .join('; ');
  throw new CcBridgeError('INVALID_INPUT', `Invalid ${what}: ${summary}`, { fieldErrors });
}
