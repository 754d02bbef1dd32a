import { stemmer } from 'stemmer';

/**
 * English function words. Besides being skipped when matching content, their share of a sentence tells
 * prose ("we retrain when the PSI of a feature rises") from a bag of keywords ("PSI KS retraining drift").
 * Hand-kept because the common packaged lists miss words such as "when", "not" or "does".
 */
const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being
  below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
  each either etc few for from further had hadn't has hasn't have haven't having he her here hers herself him
  himself his how i if in into is isn't it it's its itself just let's may me might more most must mustn't my
  myself neither no nor not of off on once only or other ought our ours ourselves out over own per same shall
  shan't she should shouldn't so some such than that that's the their theirs them themselves then there
  there's these they this those through thus to too under until up upon us very via was wasn't we were weren't
  what what's when where which while who whom whose why will with within without won't would wouldn't you
  your yours yourself yourselves e g eg ie i.e whether whereas however therefore also yet instead rather`
    .split(/\s+/)
    .filter(Boolean),
);

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

// Stemming dominates the cost of grading; the vocabulary of answers is small, so memoise it.
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 50_000;

export function stem(token: string): string {
  let s = stemCache.get(token);
  if (s === undefined) {
    s = /^[a-z]+$/.test(token) ? stemmer(token) : token;
    if (stemCache.size < STEM_CACHE_MAX) stemCache.set(token, s);
  }
  return s;
}

/** Separators of a list: commas, semicolons, plus and equals signs, pipes, bullets and line breaks. */
export const isListSeparator = (c: number) => c === 44 || c === 59 || c === 43 || c === 61 || c === 124 || c === 0x2022 || c === 10;

// The character classes of a token, on lower-cased text (shared with the list-shape scan of text-shape.ts).
export const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
export const isLetter = (c: number) => c >= 97 && c <= 122;
/** A straight or curly apostrophe. */
export const isQuote = (c: number) => c === 39 || c === 0x2018 || c === 0x2019;

/**
 * Lower-cased word tokens of a text, in order: runs of a-z and 0-9, each with an apostrophe and letters
 * after it kept ("don't", "model's"; curly apostrophes read as straight ones). Hyphens, slashes and dots
 * inside words separate parts for matching: "training-serving", "CI/CD". The same tokens as
 * `lower.replace(/[\u2018\u2019]/g, "'").match(/[a-z0-9]+(?:'[a-z]+)?/g)`, scanned by hand: this runs on
 * every sentence of every answer.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  scanTokens(text, out);
  return out;
}

/** tokenize into `out`; returns how many list separators (see isListSeparator) lie between the tokens. */
function scanTokens(text: string, out: string[]): number {
  const lower = text.toLowerCase();
  const n = lower.length;
  let separators = 0;
  let i = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (!isWordChar(c)) {
      if (isListSeparator(c)) separators++;
      i++;
      continue;
    }
    const start = i;
    while (i < n && isWordChar(lower.charCodeAt(i))) i++;
    const q = i < n ? lower.charCodeAt(i) : 0;
    if (isQuote(q) && i + 1 < n && isLetter(lower.charCodeAt(i + 1))) {
      const at = i;
      i += 2;
      while (i < n && isLetter(lower.charCodeAt(i))) i++;
      out.push(q === 39 ? lower.slice(start, i) : `${lower.slice(start, at)}'${lower.slice(at + 1, i)}`);
    } else out.push(lower.slice(start, i));
  }
  return separators;
}

// The stem of each token seen, or null for a function word: one look-up per token of an answer where
// isStopword and stem made two (bounded like the stem memo).
const contentStemCache = new Map<string, string | null>();

/** The stem of a token, or null when it is a function word. */
export function contentStemOf(token: string): string | null {
  let s = contentStemCache.get(token);
  if (s === undefined) {
    s = isStopword(token) ? null : stem(token);
    if (contentStemCache.size < STEM_CACHE_MAX) contentStemCache.set(token, s);
  }
  return s;
}

/** Stems of the content words (not function words) of a text. */
export function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    const st = contentStemOf(t);
    if (st !== null) out.push(st);
  }
  return out;
}

export interface Sentence {
  /** The sentence as written in the answer (trimmed), usable as a verbatim quote. */
  text: string;
  tokens: string[];
  /** Set of content-word stems. */
  stems: Set<string>;
  /** The content words (tokens less function words) in order, and the stem of each. */
  contentTokens: string[];
  contentStems: string[];
  /** Share of tokens that are function words; prose sits around 0.3 to 0.6, keyword lists near 0. */
  functionShare: number;
  /** List separators in the text (commas, semicolons, + = |, bullets, line breaks). */
  separators: number;
}

/** White space as the regular expression `\s` (and `String.prototype.trim`) reads it. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** A list marker "(12)" followed by white space starts at `i`. */
function listMarkerAt(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== 40) return false;
  let j = i + 1;
  while (j < text.length && isDigit(text.charCodeAt(j))) j++;
  return j > i + 1 && text.charCodeAt(j) === 41 && j + 1 < text.length && isSpace(text.charCodeAt(j + 1));
}

/**
 * The text cut at its sentence breaks: a run of white space after . ! or ?, one holding a line break, or
 * one before a list marker like "(2) ". The same pieces as `text.split(/(?<=[.!?])\s+|\s*\n+\s*|\s+(?=\(\d+\)\s)/)`
 * (each alternative, where it matches, takes the whole run of white space), in one scan of the text.
 */
export function sentencePieces(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // Printable ASCII is never white space: most characters go no further.
    if ((c > 32 && c < 0xa0) || !isSpace(c)) {
      i++;
      continue;
    }
    let j = i;
    let newline = false;
    for (; j < n && isSpace(text.charCodeAt(j)); j++) if (text.charCodeAt(j) === 10) newline = true;
    const before = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (newline || (i > 0 && (before === 46 || before === 33 || before === 63)) || (j < n && listMarkerAt(text, j))) {
      out.push(text.slice(start, i));
      start = j;
    }
    i = j;
  }
  out.push(text.slice(start));
  return out;
}

const BULLET = /^[-*•]\s+/;


/** How many list separators the text has, counting up to `max`. */
export function listSeparators(text: string, max: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n < max; i++) if (isListSeparator(text.charCodeAt(i))) n++;
  return n;
}

/** Split a text into sentences with their tokens and content stems. */
export function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  for (const raw of sentencePieces(text)) {
    const first = raw.charCodeAt(0);
    const t = (first === 45 || first === 42 || first === 0x2022 ? raw.replace(BULLET, '') : raw).trim();
    if (!t) continue;
    const tokens: string[] = [];
    const separators = scanTokens(t, tokens);
    if (tokens.length === 0) continue;
    const stems = new Set<string>();
    const contentTokens: string[] = [];
    const contentStems: string[] = [];
    for (const tok of tokens) {
      const st = contentStemOf(tok);
      if (st === null) continue;
      stems.add(st);
      contentTokens.push(tok);
      contentStems.push(st);
    }
    out.push({ text: t, tokens, stems, contentTokens, contentStems, functionShare: (tokens.length - contentTokens.length) / tokens.length, separators });
  }
  return out;
}
