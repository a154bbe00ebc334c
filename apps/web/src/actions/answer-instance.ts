'use server';

import { answerChoices } from '@cc-bridge/core/schemas';
import { z } from 'zod';
import { defineAction } from './safe-action';

/** Answers a waiting agent's permission prompt (core's `answer`): yes, always, or no with an optional message. */
export const answerInstanceAction = defineAction('operator',
  z.strictObject({ name: z.string().min(1).max(200), choice: z.enum(answerChoices), message: z.string().max(8_192).optional() }),
  ({ name, choice, message }, { manager }) => manager.answer(name, choice, message === undefined ? {} : { message }),
);
