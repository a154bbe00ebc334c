// The domain's unions come from core's schemas-only entry point (zod and nothing else), so the
// UI never pulls in core's database, tmux or Docker code.
import type { ColumnField, IdentityField, InstanceActivity, InstanceFieldValues, InstanceOrigin, InstanceStatus, InstanceType } from '@cc-bridge/core/schemas';

export {
  instanceActivities,
  instanceOrigins,
  instanceStatuses,
  instanceTypes,
  sortFields,
  sortOrders,
  type InstanceActivity,
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
  /** What its agent is doing (Claude Code's hooks), since when, and for `waiting` what it asks. */
  activity: InstanceActivity;
  activitySince: Date | string | null;
  activityReason: string | null;
  origin: InstanceOrigin;
  createdAt: Date | string;
  lastSeenAt: Date | string | null;
  version: number;
}

export interface InstanceFiltersValue {
  type: InstanceType | null;
  status: InstanceStatus[];
  /** One activity, or null: any. */
  activity: InstanceActivity | null;
  origin: InstanceOrigin | null;
  search: string;
}

export const emptyInstanceFilters: InstanceFiltersValue = { type: null, status: [], activity: null, origin: null, search: '' };
