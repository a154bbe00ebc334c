// The domain's unions come from core's schemas-only entry point (zod and nothing else), so the
// UI never pulls in core's database, tmux or Docker code.
import type { ColumnField, IdentityField, InstanceFieldValues, InstanceOrigin, InstanceStatus, InstanceType } from '@cc-bridge/core/schemas';

export {
  instanceOrigins,
  instanceStatuses,
  instanceTypes,
  sortFields,
  sortOrders,
  type InstanceOrigin,
  type InstanceStatus,
  type InstanceType,
  type SortField,
  type SortOrder,
} from '@cc-bridge/core/schemas';

/**
 * What the table shows of an instance: the common fields, what identifies its runtime and the
 * per-type fields that have a column (core's declarations). Dates may arrive serialised (JSON).
 */
export interface InstanceRow extends Pick<InstanceFieldValues, IdentityField | ColumnField> {
  id: string;
  name: string;
  type: InstanceType;
  status: InstanceStatus;
  origin: InstanceOrigin;
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
