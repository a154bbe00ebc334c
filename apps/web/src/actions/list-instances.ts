'use server';

import { listInstancesQuery } from '@cc-bridge/core';
import { defineAction } from './safe-action';

export const listInstancesAction = defineAction(listInstancesQuery, (query, { manager }) => manager.listInstances(query));
