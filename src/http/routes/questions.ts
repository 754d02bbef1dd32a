import { Hono } from 'hono';
import type { RouteGuard } from '../security.js';
import { z } from 'zod';
import type { BankIndex } from '../../bank/bank-index.js';
import { Difficulty, type Question, QuestionType } from '../../bank/schema.js';
import { NotFoundError } from '../../errors.js';
import { describeRoute, type RouteSpec } from '../openapi/route-spec.js';
import { commonErrors, ErrorBody, QuestionDetail, QuestionList } from '../schemas.js';
import { validQuery } from '../validate.js';
import { FacetsSchema } from '../../sessions/profile-schemas.js';

const ListQuery = z.strictObject({
  topic: z.string().min(1).optional(),
  type: QuestionType.optional(),
  difficulty: Difficulty.optional(),
});

const DetailQuery = z.strictObject({
  reveal: z.enum(['0', '1', 'true', 'false']).optional(),
});

/** What anyone may see of a question: enough to ask it, nothing that gives the answer away. */
export function questionSummary(q: Question) {
  return {
    id: q.id,
    title: q.title,
    difficulty: q.difficulty,
    type: q.type,
    topic: q.topic,
    area: q.area,
    frequency: q.frequency,
    tags: q.tags,
  };
}

function revealed(q: Question) {
  return {
    ...questionSummary(q),
    followUp: { id: `${q.id}.follow-up`, question: q.followUp.question },
    seedAnswer: q.seedAnswer,
    referenceAnswer: q.referenceAnswer,
    referenceSource: q.referenceSource,
    explanation: q.explanation,
    rubric: q.rubric,
    followUpReference: {
      referenceAnswer: q.followUp.referenceAnswer,
      referenceSource: q.followUp.referenceSource,
      rubric: q.followUp.rubric,
    },
  };
}

const listSpec: RouteSpec = {
  tag: 'questions',
  summary: 'List questions, without reference answers',
  description: '`topic` matches a question\'s topic or its area.',
  query: ListQuery,
  responses: { 200: { description: 'The matching questions and the areas', schema: QuestionList }, 400: commonErrors[400], 401: commonErrors[401], 429: commonErrors[429] },
};

const facetsSpec: RouteSpec = {
  tag: 'questions',
  summary: 'The filter values the bank has',
  description: 'Topics (areas), types and difficulties of at least one question: a session filter of any of these matches.',
  responses: { 200: { description: 'The values', schema: FacetsSchema }, 401: commonErrors[401], 429: commonErrors[429] },
};

const detailSpec: RouteSpec = {
  tag: 'questions',
  summary: 'One question and its follow-up',
  description: 'With `reveal=1`, also the reference answer, explanation and rubric.',
  params: z.object({ id: z.string() }),
  query: DetailQuery,
  responses: {
    200: { description: 'The question', schema: QuestionDetail },
    400: commonErrors[400],
    401: commonErrors[401],
    404: { description: 'No such question', schema: ErrorBody },
    429: commonErrors[429],
  },
};

export function questionRoutes(bank: BankIndex, facets: () => z.infer<typeof FacetsSchema>, guard: RouteGuard) {
  // The chat page lists the questions too.
  const read = guard({ rate: 'read', page: true });
  return new Hono()
    .get('/', describeRoute(listSpec), read, (c) => {
      const filter = validQuery(c, ListQuery);
      return c.json({ questions: bank.questions(filter).map(questionSummary), areas: bank.areas() });
    })
    // Before `/:id`, which would take "facets" for a question id.
    .get('/facets', describeRoute(facetsSpec), read, (c) => c.json(facets()))
    .get('/:id', describeRoute(detailSpec), read, (c) => {
      const { reveal } = validQuery(c, DetailQuery);
      const q = bank.question(c.req.param('id'));
      if (!q) throw new NotFoundError(`id: no question "${c.req.param('id')}" in the bank`);
      if (reveal === '1' || reveal === 'true') return c.json(revealed(q));
      return c.json({ ...questionSummary(q), followUp: { id: `${q.id}.follow-up`, question: q.followUp.question } });
    })
    .use('*', read);
}
