'use server';

import type { InputSent } from '@cc-bridge/core';
import { z } from 'zod';
import { inputText } from '@/lib/core-schemas';
import { defineAction } from './safe-action';

/**
 * Types a line into an instance from the detail page: the text as literal characters, then Enter
 * (core's sendInput: tmux `send-keys -l`, a container's stdin; never a shell). Empty text sends
 * Enter alone. Like every action it passes the request guard first (an Origin naming the
 * dashboard) on a server that listens on loopback only; core writes the `send` event (never the
 * text). NOT_RUNNING, INVALID_INPUT (a container without an open stdin) come back as the result.
 */
export const sendInstanceInputAction = defineAction('operator',
  z.strictObject({ name: z.string().min(1).max(200), text: inputText }),
  ({ name, text }, { manager }): Promise<InputSent> => manager.sendInput(name, text),
);
