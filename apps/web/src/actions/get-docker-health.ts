'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

export const getDockerHealthAction = defineAction(z.object({}), (_input, { manager }) => manager.getDockerHealth());
