// What each ingredient of the embedded judge adds, cross-validated by question with the weights refitted
// in every fold: `npx tsx evals/ablation.ts [mohler.jsonl]`. Each row switches one ingredient off.
import { fileURLToPath } from 'node:url';
import { createBankIndex } from '../src/bank/bank-index.js';
import { loadBank } from '../src/bank/load-bank.js';
import { type AlignDeps, alignDeps, strictDeps } from '../src/judge/embedded/alignment.js';
import type { PrepareOptions } from '../src/judge/embedded/embedded-judge.js';
import { ALL_FEATURES, HINGE_KNOTS } from '../src/judge/embedded/features.js';
import { loadDataset } from './dataset.js';
import { JUDGE_LAMBDA } from './fit-judge.js';
import { crossValidateJudge } from './judge-cv.js';
import { analyseItems } from './judge-features.js';
import { agreement } from './metrics.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const mohlerPath = process.argv[2] ?? `${ROOT}../shared/datasets/mohler/mohler-2273.jsonl`;
const bank = createBankIndex(loadBank());
const mohler = loadDataset(mohlerPath, bank, { min: 0, max: 5 });
const labelled = loadDataset(`${ROOT}data/labelled`, bank, { min: 1, max: 5 });

const real = alignDeps();
const synonymsOnly: AlignDeps = {
  weights: real.weights,
  lexicon: { has: real.lexicon.has, related: (s) => new Map([...real.lexicon.related(s)].filter(([, v]) => v >= 0.9)), size: real.lexicon.size },
};
const uniform: AlignDeps = { lexicon: real.lexicon, weights: { weight: () => 1 } };
const hinges = ALL_FEATURES.filter((f) => HINGE_KNOTS.some((t) => f.endsWith(`>${t}`)));
const without = (drop: (f: string) => boolean) => ALL_FEATURES.filter((f) => !drop(f));

const variants: { name: string; options?: PrepareOptions; features?: readonly string[]; caps?: boolean }[] = [
  { name: 'full judge' },
  { name: 'no caps', caps: false },
  { name: 'no WordNet (same stem or typo only)', options: { deps: strictDeps() } },
  { name: 'WordNet without hypernyms/hyponyms', options: { deps: synonymsOnly } },
  { name: 'uniform term weights', options: { deps: uniform } },
  { name: 'question words not demoted', options: { demoteQuestion: false } },
  { name: 'no key-point statements in the reference', options: { keyPointsInReference: false } },
  { name: 'no character n-gram cosine', features: without((f) => f.includes('charCosine')) },
  { name: 'no hinge terms', features: without((f) => hinges.includes(f)) },
  { name: 'no rubric interactions', features: without((f) => f.startsWith('rubric')) },
  { name: 'no key-point coverage feature', features: without((f) => f.includes('coverage')) },
  { name: 'aligned recall alone', features: ['recall'] },
];

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(3));
console.log('variant | mohler r | mohler rmse (0..5) | mohler qwk | labelled r | labelled qwk | labelled mae');
console.log('---|---|---|---|---|---|---');
const cache = new Map<string, ReturnType<typeof analyseItems>[]>();
for (const v of variants) {
  const key = JSON.stringify(v.options ? Object.keys(v.options).map((k) => [k, v === variants[2] ? 'strict' : String((v.options as Record<string, unknown>)[k] === uniform ? 'uniform' : (v.options as Record<string, unknown>)[k] === synonymsOnly ? 'syn' : (v.options as Record<string, unknown>)[k])]) : []);
  let sets = cache.get(key);
  if (!sets) cache.set(key, (sets = [analyseItems(mohler.items, bank, 1, v.options ?? {}), analyseItems(labelled.items, bank, 1, v.options ?? {})]));
  const [m = [], l = []] = sets;
  const spec = { features: v.features ?? ALL_FEATURES, lambda: JUDGE_LAMBDA };
  const cvM = crossValidateJudge(m, 5, spec, l);
  const cvL = crossValidateJudge(l, 5, spec, m);
  const am = agreement(v.caps === false ? cvM.uncapped : cvM.raw, m.map((i) => i.human));
  const al = agreement(v.caps === false ? cvL.uncapped : cvL.raw, l.map((i) => i.human));
  console.log(`${v.name} | ${fmt(am.pearson)} | ${fmt((am.rmse ?? 0) * 1.25)} | ${fmt(am.qwk)} | ${fmt(al.pearson)} | ${fmt(al.qwk)} | ${fmt(al.mae)}`);
}
