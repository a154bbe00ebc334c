'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

/**
 * Starts Claude Code again on a tmux record's last conversation (core's `resumeInstance`: its
 * command with `--resume SESSION_ID`, in its working directory). INVALID_INPUT for a container
 * or a record without a Claude session; CONFLICT while its agent runs.
 */
export const resumeInstanceAction = defineAction('operator', z.object({ name: z.string().min(1).max(200) }), ({ name }, { manager }) =>
  manager.resumeInstance(name),
);
