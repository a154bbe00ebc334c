export * from './types.ts';

export { ActivityBadge, type ActivityBadgeProps } from './components/activity-badge.tsx';
export { Banner, type BannerProps, type BannerVariant } from './components/banner.tsx';
export { Button, type ButtonProps, type ButtonSize, type ButtonVariant } from './components/button.tsx';
export { ConfirmDialog, type ConfirmDialogProps } from './components/confirm-dialog.tsx';
export {
  CheckboxField,
  SelectField,
  TextField,
  type CheckboxFieldProps,
  type SelectFieldProps,
  type SelectOption,
  type TextFieldProps,
} from './components/fields.tsx';
export { InstanceFilters, hasActiveFilters, type InstanceFiltersProps } from './components/instance-filters.tsx';
export { InstanceTable, type InstanceTableProps, type InstanceTableState } from './components/instance-table.tsx';
export { LiveIndicator, type LiveIndicatorProps, type LiveIndicatorState } from './components/live-indicator.tsx';
export { RelativeTime, type RelativeTimeProps } from './components/relative-time.tsx';
export { ShortcutsDialog, type Shortcut, type ShortcutsDialogProps } from './components/shortcuts-dialog.tsx';
export { StatusBadge } from './components/status-badge.tsx';
export {
  ToastProvider,
  Toaster,
  useToast,
  type ToastApi,
  type ToastOptions,
  type ToastProviderProps,
  type ToastVariant,
} from './components/toast.tsx';
export { TypeIcon } from './components/type-icon.tsx';

export { formatRelativeTime, formatTimestamp, toDate } from './lib/relative-time.ts';
export { ariaSort, nextSort, type SortState } from './lib/sort.ts';
export { pageSelection, toggleAll, toggleName, type PageSelection } from './lib/selection.ts';
