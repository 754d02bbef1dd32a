/** The gap both judges give an answer flagged `manipulation-attempt`. */
export const MANIPULATION_GAP = 'The answer addresses the grader instead of the question; that scores 1.';

/**
 * Phrases by which an answer addresses the grader instead of the interviewer. Any judge may use them to
 * flag an answer; the embedded judge scores a flagged answer 1, which is what the LLM prompt asks for too.
 * Matched on lower-cased text with white space folded. Each comes with strings of which any match
 * contains at least one: a pattern runs only on a text that holds one of them, since scanning a long
 * answer with every pattern cost more than the rest of grading it.
 */
// A verb of grading before whom it grades ("give this", "mark me"), and what is rated ("the following
// answer"): white space is folded to one space before matching, so these are the patterns' own words.
const GRANTS = ['give', 'award', 'assign', 'grant', 'rate', 'mark'].flatMap((v) => ['me', 'this', 'it', 'the candidate'].map((o) => `${v} ${o}`));
const RATED = ['following', 'above', 'this', 'my'].flatMap((w) => ['answer', 'response', 'submission'].map((o) => `${w} ${o}`));
const PATTERN_SOURCES: readonly (readonly [RegExp, readonly string[]])[] = [
  [/\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(instructions?|rubric|grading|rules|criteria|guidelines)\b/, ['ignore', 'disregard', 'forget', 'override', 'bypass']],
  [/\b(ignore|disregard|forget)\b[^.!?\n]{0,20}\b(above|previous|prior|earlier)\b[^.!?\n]{0,20}\b(text|instructions?|messages?|context)\b/, ['ignore', 'disregard', 'forget']],
  [/\b(give|award|assign|grant|rate|mark)\s+(me|this(\s+answer|\s+response)?|it|the\s+candidate)\s+(an?\s+)?(5|five|10|ten|100|full|maximum|max|perfect|top|highest)\b(?!\s*(elements?|items?|values?|bytes?|times?|seconds?|%))/, GRANTS],
  [/\b(give|award|assign|grant|rate|mark)\s+(me|this(\s+answer|\s+response)?|it|the\s+candidate)\b[^.!?\n]{0,25}\b(full marks|maximum score|max score|perfect score|top score|highest score|5\/5|a 5|score of 5)\b/, GRANTS],
  [/\b(system|developer|admin)\s+(note|override)\b/, ['note', 'override']],
  [/\b(grader|judge|evaluator|assessor)\s+(note|override)\b/, ['note', 'override']],
  [/\bnote\s+(to|for)\s+(the\s+)?(grader|judge|evaluator|assessor|ai|model|llm)\b/, ['note']],
  [/\b(you are now|act as|pretend (to be|you are)|role-?play as)\b[^.!?\n]{0,30}\b(grader|judge|evaluator|assistant|ai)\b/, ['you are now', 'act as', 'pretend', 'play as']],
  [/["']?\b(score|grade|rating)\b["']?\s*[:=]\s*["']?\s*(5|five|10|100|excellent)\b/, ['score', 'grade', 'rating']],
  [/["']?\bverdict\b["']?\s*[:=]\s*["']?\s*(pass|covered|excellent)\b/, ['verdict']],
  [/<\/?\s*(answer|candidate[_-]?answer|system|instructions?|rubric|reference)\b[^>]*>/, ['<']],
  [/\b(this|my) (answer|response) (is|should be|must be|deserves)\b[^.!?\n]{0,20}\b(5|perfect|excellent|full marks|top score)\b/, ['this answer ', 'my answer ', 'this response ', 'my response ']],
  [/\[\/?\s*(inst|sys|system)\s*\]|<<\/?sys>>/, ['[', '<<']],
  [/\b(rate|score|grade|mark)\s+(the\s+)?(following|above|this|my)\s+(answer|response|submission)\b[^.!?\n]{0,30}\b(5|five|10|full marks|maximum|perfect|top)\b/, RATED],
  [/\bjailbreak(ed)? mode\b|\bdan mode\b|\bdeveloper mode\b|\bnew instructions\s*:/, ['jailbreak', 'dan mode', 'developer mode', 'new instructions']],
];
// Every pattern's strings in one alternation, longest first, tried at each position of the text in one
// scan: fifteen scans (one per pattern) of a long answer cost more than the rest of grading it. At a
// position the longest string that starts there is found; the shorter ones starting there are its
// prefixes, so each string stands for the patterns of all its prefixes too.
const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const PATTERNS = PATTERN_SOURCES.map(([p]) => p);
const ANCHORS = [...new Set(PATTERN_SOURCES.flatMap(([, words]) => words))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
const ANCHOR_SCAN = new RegExp(ANCHORS.map(escape).join('|'), 'g');
const PATTERNS_OF = new Map(ANCHORS.map((a) => [a, PATTERN_SOURCES.flatMap(([, words], i) => (words.some((w) => a.startsWith(w)) ? [i] : []))] as const));

/** Indices of the patterns one of whose strings occurs in the text, in pattern order. */
function anchoredPatterns(t: string): number[] {
  const seen = new Uint8Array(PATTERNS.length);
  ANCHOR_SCAN.lastIndex = 0;
  for (let m = ANCHOR_SCAN.exec(t); m; m = ANCHOR_SCAN.exec(t)) {
    for (const i of PATTERNS_OF.get(m[0]) ?? []) seen[i] = 1;
    ANCHOR_SCAN.lastIndex = m.index + 1;
  }
  const out: number[] = [];
  seen.forEach((v, i) => v && out.push(i));
  return out;
}

// What introduces an example: an answer about LLM judges or red-teaming quotes attacks as examples of what
// to defend against ("an output can contain text like 'ignore previous instructions'").
const EXAMPLE_MARKER = /(\b(like|such as|for example|for instance|example|examples|contains?|containing|says?|saying|reads?|writes?|wrote|written|pastes?|pasted|types?|phrases?|strings?|payloads?|inputs?|attacks?|injections?|injected|text)\b|\be\.? ?g\b)[^.!?\n]{0,40}$/;
const QUOTED = /"[^"\n]{2,300}"|\u201c[^\u201d\n]{2,300}\u201d|\u2018[^\u2019\n]{2,300}\u2019|`[^`\n]{2,300}`|(?<=^|[\s(:])'[^'\n]{2,300}'(?=[\s.,;:!?)]|$)/g;
// Words of a sentence that is about attacks rather than one: then "e.g. ignore the rubric" is an example.
const ABOUT_ATTACKS = /\b(inject\w*|attack\w*|jailbreak\w*|adversarial|malicious|red[- ]?team\w*|defen[cs]e\w*|defend\w*|guard\w*|detect\w*|filter\w*|saniti[sz]\w*|payloads?|manipulat\w*|exploit\w*)\b/;
const SENTENCE_GAP = /(?<=[.!?])\s+|\n+/;
const SENTENCE_GAPS = new RegExp(SENTENCE_GAP.source, 'g');
const UNQUOTED_EXAMPLE = /\b(e\.? ?g\b\.?|such as|for example|for instance|like)\s[^.;!?\n)]*/g;

/**
 * The text with the attacks it only mentions taken out: a quoted span introduced as an example ("text
 * like '...'", "such as \"...\""), and, in a sentence about attacks, what follows "e.g." or "such as".
 */
export function withoutExamples(text: string): string {
  return examplesRemoved(text, true);
}

/** withoutExamples; without `keepBreaks`, sentences joined as they were when none is about attacks (folding white space makes it the same). */
function examplesRemoved(text: string, keepBreaks: boolean): string {
  // "e.g." and "i.e." do not end a sentence.
  const plain = text.replace(/\b([ei])\.([gex])\./gi, '$1$2');
  const t = plain.replace(QUOTED, (q, offset: number) => (EXAMPLE_MARKER.test(plain.slice(Math.max(0, offset - 60), offset).toLowerCase()) ? ' ' : q));
  // Most texts are about no attack at all: their sentences are only joined up again by line breaks. A word
  // of ABOUT_ATTACKS never spans two sentences, so one test of the whole text tells.
  if (!ABOUT_ATTACKS.test(t.toLowerCase())) return keepBreaks ? t.replace(SENTENCE_GAPS, '\n') : t;
  return t
    .split(SENTENCE_GAP)
    .map((s) => (ABOUT_ATTACKS.test(s.toLowerCase()) ? s.replace(UNQUOTED_EXAMPLE, ' ') : s))
    .join('\n');
}

/** Lower-cased, every run of white space one space (most texts have nothing to fold: no new string then). */
function folded(text: string): string {
  const lower = text.toLowerCase();
  return /\s\s|[^\S ]/.test(lower) ? lower.replace(/\s+/g, ' ') : lower;
}

/**
 * True when the text tries to instruct or impersonate the grader. Mentioning an attack as an example of
 * what to defend against is not an attempt; addressing the grader, a fake closing tag or a ready-made
 * verdict is.
 */
export function looksLikeManipulation(text: string): boolean {
  const t = folded(examplesRemoved(text, false));
  return anchoredPatterns(t).some((i) => PATTERNS[i]?.test(t));
}
