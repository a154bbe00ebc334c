/**
 * The three roles of a team install (issue 11), weakest first: `viewer` reads and watches output;
 * `operator` also creates, updates, starts/stops, answers prompts, sends input, opens terminals,
 * discovers and deletes; `admin` also manages users, tokens, settings, cleanup and prune.
 */
export const roles = ['viewer', 'operator', 'admin'] as const;

/** One of `roles`. */
export type Role = (typeof roles)[number];

/** Whether a principal holding `held` may do what needs `needed` (roles are ordered). */
export function roleAllows(held: Role, needed: Role): boolean {
  return roles.indexOf(held) >= roles.indexOf(needed);
}
