'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

/**
 * A new container for a Docker record whose own is gone (core's `recreateInstance`): made from the
 * record's image, container name and network; the record keeps its name and history. CONFLICT
 * while the container still exists; INVALID_INPUT when the record has no image.
 */
export const recreateInstanceAction = defineAction('operator', z.object({ name: z.string().min(1).max(200) }), ({ name }, { manager }) =>
  manager.recreateInstance(name),
);
