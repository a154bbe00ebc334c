'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

export const discoverInstancesAction = defineAction('operator', z.object({}), (_input, { manager }) => manager.refreshDiscovery());
