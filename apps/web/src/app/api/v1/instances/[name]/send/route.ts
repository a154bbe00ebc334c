import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';

/** POST /api/v1/instances/NAME/send `{ text, enter? }` (operator): typed as literal characters, then Enter unless enter is false. */
export const POST = routeOf(operations.sendInput, ({ name, body: { text, enter }, manager, principal }) =>
  manager.sendInput(name, text, { enter, actor: principal.actor }),
);
