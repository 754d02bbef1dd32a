import { Hono } from 'hono';
import { z } from 'zod';
import { CandidateProfileSchema } from '../../sessions/profile-schemas.js';
import type { PracticeService } from '../../sessions/practice-service.js';
import { CandidateId } from '../../sessions/schemas.js';
import { describeRoute, type RouteSpec } from '../openapi/route-spec.js';
import { commonErrors, ErrorBody } from '../schemas.js';
import type { RouteGuard } from '../security.js';
import { parseWith } from '../validate.js';

const Params = z.object({ candidateId: CandidateId });

/** The `:candidateId` of a path, or a 400 naming `candidateId`. */
export const candidateIdOf = (value: string | undefined) => parseWith(Params, { candidateId: value }).candidateId;
const unknown = { description: 'No profile has this id (a profile starts with the first session sent with it)', schema: ErrorBody };

const profileSpec: RouteSpec = {
  tag: 'practice',
  summary: "A candidate's practice history",
  description: 'Sessions, progress per topic (scores over time) and per key point, and the review schedule. The id is the only key: profiles cannot be listed.',
  params: Params,
  responses: { 200: { description: 'The profile', schema: CandidateProfileSchema }, 400: commonErrors[400], 401: commonErrors[401], 404: unknown, 429: commonErrors[429] },
};

const deleteSpec: RouteSpec = {
  tag: 'practice',
  summary: 'Delete a practice profile',
  description: 'Removes its sessions and their turns, hints and LLM audit rows; grade-log rows stay for monitoring with no link to them.',
  params: Params,
  responses: { 204: { description: 'Deleted' }, 400: commonErrors[400], 401: commonErrors[401], 403: commonErrors[403], 404: unknown, 429: commonErrors[429] },
};

/**
 * `/api/candidates/:candidateId`: a practice profile, read or deleted. Reached only with its id: there is no
 * route that lists profiles, so the id is the only key to a candidate's history.
 */
export function candidateRoutes(practice: PracticeService, guard: RouteGuard) {
  const read = guard({ rate: 'read', page: true });
  return new Hono()
    .get('/:candidateId', describeRoute(profileSpec), read, async (c) => c.json(await practice.profile(candidateIdOf(c.req.param('candidateId')))))
    .delete('/:candidateId', describeRoute(deleteSpec), read, async (c) => {
      await practice.deleteProfile(candidateIdOf(c.req.param('candidateId')));
      return c.body(null, 204);
    })
    .use('*', read);
}
