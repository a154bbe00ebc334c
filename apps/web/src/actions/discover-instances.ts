'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

export const discoverInstancesAction = defineAction(z.object({}), (_input, { manager }) => manager.refreshDiscovery());
