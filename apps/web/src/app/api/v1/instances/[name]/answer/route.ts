import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';

/** POST /api/v1/instances/NAME/answer `{ choice: yes|always|no, message? }` (operator); 409 NOT_WAITING when no prompt is shown. */
export const POST = routeOf(operations.answerInstance, ({ name, body: { choice, message }, manager, principal }) =>
  manager.answer(name, choice, { ...(message === undefined ? {} : { message }), actor: principal.actor }),
);
