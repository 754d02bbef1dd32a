import { round } from '../../numbers.js';
import type { KeyPointResult } from '../../grading/grade-schema.js';
import { roundScore } from '../../grading/levels.js';
import { type Sentence, sentences } from '../../text/tokens.js';
import type { GradingTask, Judge, JudgeVerdict } from '../judge.js';
import { type AlignDeps, strictDeps } from './alignment.js';
import { answerFeatures, type PreparedReference, prepareReference } from './features.js';
import { type JudgeModel, predictScore, readJudgeModel } from './judge-model.js';
import { type CompiledKeyPoint, compileKeyPoints, matchKeyPoint, type StemPointLinks, stemPointLinks } from './key-points.js';
import { rubricKeyPoints } from '../rubric-key-points.js';
import { capsOf, FLAG_TEXT } from './caps.js';
import { isTermList, negations } from './text-shape.js';

/** Bumped whenever a feature or rule below changes: a model fitted on other rules is refused at start. */
export const EMBEDDED_RULES_VERSION = 'align-1';
export const EMBEDDED_MODEL = 'embedded-align';

const CONTRADICTS = 'The quoted sentence negates what this point states: it may contradict it.';

export interface EmbeddedJudgeOptions {
  /** The fitted weights; the committed data/embedded-judge/model.json by default. */
  model?: JudgeModel;
}

let defaultModel: JudgeModel | null = null;
function committedModel(): JudgeModel {
  defaultModel ??= readJudgeModel(undefined, EMBEDDED_RULES_VERSION);
  return defaultModel;
}

/**
 * The offline judge: deterministic, no network, no language model. It aligns the words of the answer with
 * those of the reference answer and the rubric's key points (same stem, WordNet synonym or related form,
 * a typo), turns the alignment into features and scores them with a ridge regression fitted on human
 * grades. Answers that address the grader, list keywords, restate the question or wander off topic are
 * capped. It checks which points an answer covers, not whether what it says is true.
 */
export function createEmbeddedJudge(options: EmbeddedJudgeOptions = {}): Judge {
  const model = options.model ?? committedModel();
  return {
    kind: 'embedded',
    model: EMBEDDED_MODEL,
    promptVersion: `${EMBEDDED_RULES_VERSION}+${model.id}`,
    verifiesCorrectness: false,
    evaluate: async (task) => evaluateEmbedded(task, model),
  };
}

export interface PreparedQuestion {
  reference: PreparedReference;
  points: CompiledKeyPoint[];
  /** The key points are a rubric's (authored), not the reference answer's sentences. */
  rubric: boolean;
  /** Links of the answer stems seen so far into every key point (answers to one question share words). */
  pointLinks: Map<string, StemPointLinks>;
}

const POINT_LINKS_MAX = 20_000;

// The question side of a task is the same for every answer to it; preparing it once per question is most
// of the cost of grading (WordNet look-ups of every reference word).
// Keyed by question, then reference answer: the strings of a bank question are the same objects on
// every grade, so the look-up neither joins them nor hashes them again.
interface PreparedCache {
  byQuestion: Map<string, Map<string, PreparedQuestion>>;
  size: number;
}
const newCache = (): PreparedCache => ({ byQuestion: new Map(), size: 0 });
const prepared = newCache();
const byRubric = new WeakMap<object, PreparedCache>();
const PREPARED_MAX = 2000;

export interface PrepareOptions {
  deps?: AlignDeps;
  /** Put the rubric's key-point statements on the reference side (default true). */
  keyPointsInReference?: boolean;
  demoteQuestion?: boolean;
}

/** The reference side and the compiled key points of a question (uncached; see prepare). */
export function prepareQuestion(task: Pick<GradingTask, 'question' | 'referenceAnswer' | 'rubric'>, o: PrepareOptions = {}): PreparedQuestion {
  const statements = o.keyPointsInReference === false ? [] : (task.rubric?.keyPoints ?? []).map((k) => k.statement);
  const reference = prepareReference(
    { question: task.question, reference: [task.referenceAnswer, ...statements].join('\n'), ...(o.demoteQuestion === undefined ? {} : { demoteQuestion: o.demoteQuestion }) },
    o.deps,
  );
  return {
    reference,
    points: compileKeyPoints(rubricKeyPoints(task.rubric, task.referenceAnswer), reference.questionStems, strictDeps(o.deps)),
    rubric: (task.rubric?.keyPoints.length ?? 0) > 0,
    pointLinks: new Map(),
  };
}

function prepare(task: GradingTask): PreparedQuestion {
  let cache = prepared;
  if (task.rubric) {
    cache = byRubric.get(task.rubric) ?? newCache();
    byRubric.set(task.rubric, cache);
  }
  let byReference = cache.byQuestion.get(task.question);
  let p = byReference?.get(task.referenceAnswer);
  if (!p) {
    p = prepareQuestion(task);
    if (cache.size >= PREPARED_MAX) {
      cache.byQuestion.clear();
      cache.size = 0;
      byReference = undefined;
    }
    if (!byReference) {
      byReference = new Map();
      cache.byQuestion.set(task.question, byReference);
    }
    byReference.set(task.referenceAnswer, p);
    cache.size++;
  }
  return p;
}

export interface Analysis {
  answer: Sentence[];
  keyPoints: (KeyPointResult & { contradicts: boolean })[];
  coverage: number;
  features: ReturnType<typeof answerFeatures>;
  flags: string[];
  scoreCap: number | null;
}

/** Everything the judge reads off an answer before the model scores it: verdicts, features, caps. */
export function analyse(q: PreparedQuestion, text: string, deps?: AlignDeps): Analysis {
  const answer = sentences(text);
  // Fewer than four separators make no list of five items: most sentences need no scan for one.
  const prose = answer.map((s) => s.separators < 4 || !isTermList(s.text));
  const negated = answer.map((s) => negations(s.tokens) > 0);
  const strict = strictDeps(deps);
  const stems = answer.map((s) => {
    const out: StemPointLinks[] = [];
    for (const st of s.stems) {
      let l = q.pointLinks.get(st);
      if (!l) {
        l = stemPointLinks(q.points, st, strict);
        if (q.pointLinks.size >= POINT_LINKS_MAX) q.pointLinks.clear();
        q.pointLinks.set(st, l);
      }
      out.push(l);
    }
    return out;
  });
  const keyPoints = q.points.map((kp, point) => {
    const m = matchKeyPoint(kp, answer, prose, strict, negated, { point, stems });
    const verdict = m.strength === 1 ? 'covered' : m.strength === 0.5 ? 'partial' : 'missing';
    const r: KeyPointResult & { contradicts: boolean } = {
      id: kp.point.id,
      statement: kp.point.statement,
      weight: kp.point.weight,
      verdict,
      evidence: m.strength > 0 ? (answer[m.sentence]?.text ?? null) : null,
      contradicts: m.contradicts,
    };
    if (m.contradicts) r.flag = CONTRADICTS;
    return r;
  });
  const totalWeight = keyPoints.reduce((a, k) => a + k.weight, 0) || 1;
  const coverage = keyPoints.reduce((a, k) => a + k.weight * (k.verdict === 'covered' ? 1 : k.verdict === 'partial' ? 0.5 : 0), 0) / totalWeight;
  const features = answerFeatures(q.reference, text, answer, { coverage, rubric: q.rubric, negated }, deps);
  const { flags, scoreCap } = capsOf({ text, answer, prose, reference: q.reference, features, coverage, rubric: q.rubric });
  return { answer, keyPoints, coverage, features, flags, scoreCap };
}

export function evaluateEmbedded(task: GradingTask, model: JudgeModel = committedModel()): JudgeVerdict {
  const q = prepare(task);
  const a = analyse(q, task.answer);
  const modelScore = a.features.nonAnswer ? 1 : predictScore(model, a.features.values);
  const score = Math.min(modelScore, a.scoreCap ?? 5);
  const keyPoints: KeyPointResult[] = a.keyPoints.map((p) => {
    // The fields of KeyPointResult in their order, without `contradicts` (a rest copy cost more).
    const k: KeyPointResult = { id: p.id, statement: p.statement, weight: p.weight, verdict: p.verdict, evidence: p.evidence };
    if (p.flag !== undefined) k.flag = p.flag;
    return k;
  });
  const strengths = keyPoints.filter((k) => k.verdict === 'covered').map((k) => k.statement);
  const gaps = [
    ...a.flags.map((f) => FLAG_TEXT[f] ?? f),
    ...keyPoints.filter((k) => k.verdict === 'missing').map((k) => `Missing: ${k.statement}`),
    ...keyPoints.filter((k) => k.verdict === 'partial').map((k) => `Only partly: ${k.statement}`),
  ];
  const raw = rawRecord(model.id, a.features.values, modelScore, a.flags, score);
  return {
    rawScore: score,
    keyPoints,
    strengths,
    gaps,
    adaptiveFollowUp: null,
    flags: a.flags,
    consistency: null,
    runs: [{ order: 'single', score: roundScore(score), raw }],
    usage: null,
    unscored: null,
    scoreCap: a.scoreCap,
  };
}

// Each feature name as JSON, written once: the names are the same on every grade.
const NAME_JSON = new Map<string, string>();
const jsonNumber = (x: number) => (Number.isFinite(x) ? String(x) : 'null');

/**
 * The run's raw record as JSON: rules, model, the features to 4 decimals, the model's score, flags and
 * score. The same text as JSON.stringify of that object, written directly: building a 47-key object of
 * rounded features only to serialise it cost more than the rest of composing the verdict.
 */
function rawRecord(modelId: string, values: Readonly<Record<string, number>>, modelScore: number, flags: readonly string[], score: number): string {
  let features = '';
  for (const k in values) {
    let name = NAME_JSON.get(k);
    if (name === undefined) {
      name = JSON.stringify(k);
      if (NAME_JSON.size < 1000) NAME_JSON.set(k, name);
    }
    features += `${features ? ',' : ''}${name}:${jsonNumber(round(values[k] ?? 0, 4))}`;
  }
  return `{"rules":${JSON.stringify(EMBEDDED_RULES_VERSION)},"model":${JSON.stringify(modelId)},"features":{${features}},"modelScore":${jsonNumber(round(modelScore, 4))},"flags":${JSON.stringify(flags)},"score":${jsonNumber(round(score, 4))}}`;
}
