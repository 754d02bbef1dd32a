import { Hono } from 'hono';
import type { SessionService } from '../../sessions/session-service.js';

/** `/api/turns`: read one answered turn, or grade a pending or failed one again. */
export function turnRoutes(sessions: SessionService) {
  return new Hono()
    .get('/:id', (c) => c.json(sessions.turn(c.req.param('id'))))
    .post('/:id/regrade', async (c) => c.json(await sessions.regrade(c.req.param('id'))));
}
