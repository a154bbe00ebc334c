'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

export const refreshStatusesAction = defineAction('operator', z.object({}), (_input, { manager }) => manager.refreshStatuses());
