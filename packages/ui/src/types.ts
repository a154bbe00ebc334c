// Mirrors the unions in @cc-bridge/core's instance.ts. The UI may not depend on core at run time
// (core drags in Prisma, dockerode and node built-ins), so the values are repeated here and
// core-types.check.ts makes tsc fail if the two ever drift apart.
export const instanceTypes = ['tmux', 'docker'] as const;
export const instanceStatuses = ['created', 'running', 'stopped', 'unknown', 'error'] as const;
export const instanceOrigins = ['manual', 'discovered'] as const;
export const sortFields = ['name', 'type', 'status', 'createdAt', 'updatedAt', 'lastSeenAt'] as const;
export const sortOrders = ['asc', 'desc'] as const;

export type InstanceType = (typeof instanceTypes)[number];
export type InstanceStatus = (typeof instanceStatuses)[number];
export type InstanceOrigin = (typeof instanceOrigins)[number];
export type SortField = (typeof sortFields)[number];
export type SortOrder = (typeof sortOrders)[number];

/** What the table shows of an instance. Dates may arrive serialised (server action / JSON). */
export interface InstanceRow {
  id: string;
  name: string;
  type: InstanceType;
  status: InstanceStatus;
  origin: InstanceOrigin;
  tmuxSession: string | null;
  containerId: string | null;
  containerName: string | null;
  imageName: string | null;
  createdAt: Date | string;
  lastSeenAt: Date | string | null;
  version: number;
}

export interface InstanceFiltersValue {
  type: InstanceType | null;
  status: InstanceStatus[];
  origin: InstanceOrigin | null;
  search: string;
}

export const emptyInstanceFilters: InstanceFiltersValue = { type: null, status: [], origin: null, search: '' };
