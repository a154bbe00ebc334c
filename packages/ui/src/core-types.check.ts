// Compile-time only: never imported at run time, so @cc-bridge/core stays out of the UI bundle.
// If core's unions or Instance change shape, `pnpm --filter @cc-bridge/ui typecheck` fails here.
import type * as core from '../../core/src/instance.ts';
import type * as ui from './types.ts';

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;

export type CoreTypesMatch = [
  Expect<Equal<core.InstanceType, ui.InstanceType>>,
  Expect<Equal<core.InstanceStatus, ui.InstanceStatus>>,
  Expect<Equal<core.InstanceOrigin, ui.InstanceOrigin>>,
  Expect<Equal<core.SortField, ui.SortField>>,
  Expect<Equal<core.SortOrder, ui.SortOrder>>,
  // The app hands core's records to the table as they are.
  Expect<core.Instance extends ui.InstanceRow ? true : false>,
];
