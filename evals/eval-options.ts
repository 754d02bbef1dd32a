import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_BATCH_DISCOUNT } from './batch/batch-eval.js';
import { compareNames } from './compare-command.js';
import { parsePrice } from './cost.js';
import { parseColumnMapping } from './csv-input.js';
import { parseScale } from './dataset.js';
import { type JudgeSpec, parseJudgeSpecs } from './matrix/judge-spec.js';
import { UsageError } from './usage-error.js';

/** The flags of `npm run eval`, as node's parser reads them (see USAGE in eval-command.ts). */
const FLAGS = {
  data: { type: 'string', multiple: true },
  judge: { type: 'string' },
  judges: { type: 'string' },
  scale: { type: 'string', multiple: true },
  folds: { type: 'string' },
  concurrency: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  replay: { type: 'boolean' },
  price: { type: 'string' },
  'fit-calibration': { type: 'string' },
  'fit-judge': { type: 'string' },
  gate: { type: 'string' },
  compare: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  columns: { type: 'string' },
  'items-jsonl': { type: 'boolean' },
  batch: { type: 'boolean' },
  resume: { type: 'string' },
  'no-wait': { type: 'boolean' },
  'batch-discount': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A flag's text as a number that `ok` accepts, else the usage error `what` says. */
function numberFlag(name: string, what: string, ok: (n: number, text: string) => boolean) {
  return z
    .string()
    .optional()
    .transform((v) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!ok(n, v)) throw new UsageError(`--${name} must be ${what} (got "${v}")`);
      return n;
    });
}
const positiveInt = (name: string) => numberFlag(name, 'a positive integer', (n) => Number.isInteger(n) && n >= 1);
const wholeNumber = (name: string) => numberFlag(name, 'a whole number', (n) => Number.isInteger(n) && n >= 0);
const fraction = (name: string) => numberFlag(name, 'a number from 0 to 1', (n, v) => v.trim() !== '' && n >= 0 && n <= 1);
const optional = <T>(parse: (text: string) => T) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined ? null : parse(v)));

/**
 * The flags, typed. Each one's own format is checked here, in the words the usage errors always used;
 * checks that involve several flags follow in `parseEvalOptions`.
 */
export const EvalFlags = z.object({
  help: z.boolean().default(false),
  data: z.array(z.string()).default([]),
  /** Raw: one per `--data` with `--fit-judge`, else at most one. */
  scale: z.array(z.string()).default([]),
  'fit-judge': z.string().optional(),
  judge: z
    .string()
    .optional()
    .transform((v) => {
      if (v !== undefined && v !== 'embedded' && v !== 'llm') throw new UsageError(`--judge must be embedded or llm (got "${v}")`);
      return v ?? null;
    }),
  judges: optional(parseJudgeSpecs),
  folds: positiveInt('folds').transform((n) => {
    if (n !== undefined && n < 2) throw new UsageError('--folds must be at least 2');
    return n ?? 5;
  }),
  concurrency: positiveInt('concurrency').transform((n) => n ?? 8),
  limit: positiveInt('limit').transform((n) => n ?? null),
  out: z.string().optional(),
  cache: z.string().optional(),
  'no-cache': z.boolean().default(false),
  replay: z.boolean().default(false),
  price: optional(parsePrice),
  'fit-calibration': z.string().optional(),
  gate: z.string().optional(),
  compare: z.string().optional(),
  /** Resamples; the default depends on the run (1000 for the report's intervals, 2000 for `--compare`). */
  bootstrap: positiveInt('bootstrap'),
  seed: wholeNumber('seed').transform((n) => n ?? 1),
  columns: optional(parseColumnMapping).transform((m) => m ?? {}),
  'items-jsonl': z.boolean().default(false),
  batch: z.boolean().default(false),
  resume: z.string().optional(),
  'no-wait': z.boolean().default(false),
  'batch-discount': z.string().optional(),
});
type Flags = z.infer<typeof EvalFlags>;

/** What one `npm run eval` asks for. */
export type EvalOptions =
  | { command: 'help' }
  | { command: 'fit-judge'; out: string; data: string[]; scales: string[] }
  | ({ command: 'run' } & RunOptions);

export interface RunOptions {
  data: string;
  scale: { min: number; max: number };
  judge: 'embedded' | 'llm' | null;
  /** `--judges`: the matrix's judges. */
  judges: JudgeSpec[] | null;
  compare: { a: string; b: string } | null;
  batch: { discount: number; resume: string | null; wait: boolean } | null;
  folds: number;
  concurrency: number;
  limit: number | null;
  out: string | null;
  itemsJsonl: boolean;
  /** The cache folder asked for; null with `--no-cache`, undefined for the configured default. */
  cache: string | null | undefined;
  replay: boolean;
  price: Flags['price'];
  columns: Flags['columns'];
  fitCalibration: string | null;
  gate: string | null;
  bootstrap: number | undefined;
  seed: number;
}

/** Parse the command line. Throws `UsageError` (or node's ERR_PARSE_ARGS, a RangeError of a format) on bad usage. */
export function parseEvalOptions(argv: string[]): EvalOptions {
  // Only `--compare A B` takes a positional: its second name.
  const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: FLAGS });
  if (values.help) return { command: 'help' };
  if (!values.data?.length) throw new UsageError('--data is required');
  if (values['fit-judge']) return { command: 'fit-judge', out: values['fit-judge'], data: values.data, scales: values.scale ?? [] };
  if (values.data.length > 1) throw new UsageError('--data is given once (several only with --fit-judge)');
  if ((values.scale?.length ?? 0) > 1) throw new UsageError('--scale is given once (one per --data only with --fit-judge)');
  const f = EvalFlags.parse(values);
  if (f.replay && f['no-cache']) throw new UsageError('--replay needs the cache; drop --no-cache');
  const compare = compareNames(f.compare, positionals, values);
  if (f.judges) {
    const clash = (['judge', 'compare', 'batch', 'gate', 'fit-calibration'] as const).find((o) => values[o] !== undefined);
    if (clash) throw new UsageError(`--${clash} does not go with --judges`);
  }
  if (f.batch) {
    if (compare) throw new UsageError('--batch and --compare cannot be combined yet; run --batch for each prompt version');
    if (f['no-cache']) throw new UsageError('--batch keeps its replies in the reply cache; drop --no-cache');
    if (f.replay) throw new UsageError('--replay makes no provider call; drop --batch');
  } else if (f.resume || f['no-wait'] || f['batch-discount']) {
    throw new UsageError('--resume, --no-wait and --batch-discount go with --batch');
  }
  return {
    command: 'run',
    data: f.data[0] ?? '',
    scale: f.scale[0] ? parseScale(f.scale[0]) : { min: 1, max: 5 },
    judge: f.judge,
    judges: f.judges,
    compare,
    batch: f.batch ? { discount: fraction('batch-discount').parse(f['batch-discount']) ?? DEFAULT_BATCH_DISCOUNT, resume: f.resume ?? null, wait: !f['no-wait'] } : null,
    folds: f.folds,
    concurrency: f.concurrency,
    limit: f.limit,
    out: f.out ?? null,
    itemsJsonl: f['items-jsonl'],
    cache: f['no-cache'] ? null : f.cache,
    replay: f.replay,
    price: f.price,
    columns: f.columns,
    fitCalibration: f['fit-calibration'] ?? null,
    gate: f.gate ?? null,
    bootstrap: f.bootstrap,
    seed: f.seed,
  };
}

/** Whether the run grades with the LLM judge whatever the configuration's `JUDGE=auto` would pick. */
export function asksForLlm(o: RunOptions): boolean {
  return o.judge === 'llm' || o.compare !== null || (o.judges ?? []).some((s) => s.kind === 'llm');
}
