import type { z } from 'zod';

export type FieldErrors = Record<string, string[]>;

/**
 * zod issues keyed by field name, the shape core's CcBridgeError uses for INVALID_INPUT. The key is
 * the last named segment of the path, so `{ fields: { name } }` and `status[0]` read as `name` and
 * `status`: a form shows a message next to its control whether it came from the browser's check or
 * from the server's.
 */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.findLast((segment): segment is string => typeof segment === 'string') ?? '_';
    (fieldErrors[field] ??= []).push(issue.message);
  }
  return fieldErrors;
}

/** The first message for `field`, the way an inline error shows it. */
export function firstError(fieldErrors: FieldErrors | undefined, field: string): string | undefined {
  return fieldErrors?.[field]?.[0];
}
