import type { Grade, QuestionView, SessionSummary, SessionView, TurnView } from '../../src/web/client-types.js';

/** Response-shaped values for the chat client's DOM tests, typed by the API's schemas. */
export const askedMain: QuestionView = {
  step: 0,
  number: 1,
  total: 2,
  kind: 'main',
  questionId: 'data-drift',
  text: 'What is data drift?',
  followUpTo: null,
  type: 'conceptual',
  difficulty: 'medium',
  area: 'drift-and-monitoring',
  areaLabel: 'Drift and monitoring',
};

export function grade(over: Partial<Grade> = {}): Grade {
  return {
    questionId: 'data-drift',
    score: 2.5,
    rawScore: 2.5,
    level: { value: 3, label: 'adequate' },
    keyPoints: [
      { id: 'shift', statement: 'Inputs shift away from the training data', weight: 2, verdict: 'covered', evidence: 'Inputs move <b>away</b>.' },
      { id: 'detect', statement: 'Detect it by comparing distributions', weight: 1, verdict: 'missing', evidence: null },
      { id: 'act', statement: 'Retrain or recalibrate when it matters', weight: 1, verdict: 'partial', evidence: 'We retrain.' },
    ],
    strengths: ['Inputs shift away from the training data', 'Clear <img src=x onerror=alert(1)> wording'],
    gaps: ['Missing: Detect it by comparing distributions'],
    followUp: 'What is concept drift?',
    adaptiveFollowUp: null,
    flags: [],
    judge: { kind: 'embedded', model: 'embedded-v2', promptVersion: 'rules-2', calibration: null, verifiesCorrectness: false },
    consistency: null,
    runs: [{ order: 'single', score: 2.5, raw: '{}' }],
    usage: null,
    latencyMs: 3,
    unscored: null,
    ...over,
  };
}

export function turn(over: Partial<TurnView> = {}): TurnView {
  return {
    id: 'turn-1',
    sessionId: 'sess-1',
    seq: 1,
    step: 0,
    questionId: 'data-drift',
    kind: 'main',
    question: 'What is data drift?',
    answer: 'Inputs move away.',
    attempt: 1,
    retryOf: null,
    status: 'graded',
    grade: grade(),
    failure: null,
    gradingRuns: 1,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:01.000Z',
    gradedAt: '2026-12-01T10:00:01.000Z',
    asked: askedMain,
    reference: null,
    grading: false,
    advice: [
      { keyPointId: 'detect', status: 'missed', nextLevel: 4, text: 'To reach strong: say how you would detect it, e.g. compare feature distributions with PSI.' },
      { keyPointId: 'act', status: 'partial', nextLevel: 4, text: 'To reach strong: say what triggers a retrain.' },
    ],
    timeSpentMs: 75_000,
    overTime: false,
    hintUsed: true,
    adaptiveOf: null,
    probesKeyPoint: null,
    modelAnswerViewed: false,
    ...over,
  };
}

export function session(over: Partial<SessionView> = {}): SessionView {
  return {
    id: 'sess-1',
    status: 'active',
    createdAt: '2026-12-01T10:00:00.000Z',
    finishedAt: null,
    filters: { topic: null, type: null, difficulty: null, count: 2 },
    answeredSteps: 0,
    totalSteps: 4,
    current: askedMain,
    canRetry: false,
    mode: 'practice',
    candidateId: '0b7f3a52-8f0e-4c5e-9a51-3f2d6c1b9e7a',
    timeLimitSeconds: null,
    askedAt: '2026-12-01T10:00:00.000Z',
    revealReference: true,
    ...over,
  };
}

export function summary(over: Partial<SessionSummary> = {}): SessionSummary {
  return {
    graded: 2,
    ungraded: [],
    retries: 1,
    meanScore: 2.8,
    level: 'adequate',
    byArea: [{ area: 'drift-and-monitoring', label: 'Drift and monitoring', graded: 2, meanScore: 2.8, level: 'adequate' }],
    strongAreas: [],
    weakAreas: ['Drift and monitoring'],
    missedKeyPoints: [{ questionId: 'data-drift', question: 'What is data drift?', keyPointId: 'detect', statement: 'Detect it by comparing distributions', missed: 1, partial: 0 }],
    questions: [
      { questionId: 'data-drift', question: 'What is data drift?', kind: 'main', score: 1, attempts: 2, hintUsed: true, modelAnswerViewedBeforeRetry: true, timeSpentMs: 75_000, overTime: false },
      { questionId: 'data-drift.follow-up', question: 'What is concept drift?', kind: 'follow-up', score: 4.5, attempts: 1, hintUsed: false, modelAnswerViewedBeforeRetry: false, timeSpentMs: 250_000, overTime: true },
    ],
    ...over,
  };
}
