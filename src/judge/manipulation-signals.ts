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
  [/["']?\b(score|grade|rating)\b["']?\s*[:=]\s*["']?\s*(5|five|10|100|excellent)\b/, [':', '=']],
  [/["']?\bverdict\b["']?\s*[:=]\s*["']?\s*(pass|covered|excellent)\b/, ['verdict']],
  [/<\/?\s*(answer|candidate[_-]?answer|system|instructions?|rubric|reference)\b[^>]*>/, ['<']],
  [/\b(this|my) (answer|response) (is|should be|must be|deserves)\b[^.!?\n]{0,20}\b(5|perfect|excellent|full marks|top score)\b/, ['this answer ', 'my answer ', 'this response ', 'my response ']],
  [/\[\/?\s*(inst|sys|system)\s*\]|<<\/?sys>>/, ['[', '<<']],
  [/\b(rate|score|grade|mark)\s+(the\s+)?(following|above|this|my)\s+(answer|response|submission)\b[^.!?\n]{0,30}\b(5|five|10|full marks|maximum|perfect|top)\b/, RATED],
  [/\bjailbreak(ed)? mode\b|\bdan mode\b|\bdeveloper mode\b|\bnew instructions\s*:/, ['jailbreak', 'dan mode', 'developer mode', 'new instructions']],
];
// Each pattern with its strings as one alternation: one scan of the text, where a search for each
// string took several times longer on a long answer.
const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const PATTERNS = PATTERN_SOURCES.map(([p, words]) => [p, new RegExp(words.map(escape).join('|'))] as const);

// What introduces an example: an answer about LLM judges or red-teaming quotes attacks as examples of what
// to defend against ("an output can contain text like 'ignore previous instructions'").
const EXAMPLE_MARKER = /(\b(like|such as|for example|for instance|example|examples|contains?|containing|says?|saying|reads?|writes?|wrote|written|pastes?|pasted|types?|phrases?|strings?|payloads?|inputs?|attacks?|injections?|injected|text)\b|\be\.? ?g\b)[^.!?\n]{0,40}$/;
const QUOTED = /"[^"\n]{2,300}"|\u201c[^\u201d\n]{2,300}\u201d|\u2018[^\u2019\n]{2,300}\u2019|`[^`\n]{2,300}`|(?<=^|[\s(:])'[^'\n]{2,300}'(?=[\s.,;:!?)]|$)/g;
// Words of a sentence that is about attacks rather than one: then "e.g. ignore the rubric" is an example.
const ABOUT_ATTACKS = /\b(inject\w*|attack\w*|jailbreak\w*|adversarial|malicious|red[- ]?team\w*|defen[cs]e\w*|defend\w*|guard\w*|detect\w*|filter\w*|saniti[sz]\w*|payloads?|manipulat\w*|exploit\w*)\b/;
const UNQUOTED_EXAMPLE = /\b(e\.? ?g\b\.?|such as|for example|for instance|like)\s[^.;!?\n)]*/g;

/**
 * The text with the attacks it only mentions taken out: a quoted span introduced as an example ("text
 * like '...'", "such as \"...\""), and, in a sentence about attacks, what follows "e.g." or "such as".
 */
export function withoutExamples(text: string): string {
  // "e.g." and "i.e." do not end a sentence.
  const plain = text.replace(/\b([ei])\.([gex])\./gi, '$1$2');
  const t = plain.replace(QUOTED, (q, offset: number) => (EXAMPLE_MARKER.test(plain.slice(Math.max(0, offset - 60), offset).toLowerCase()) ? ' ' : q));
  return t
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => (ABOUT_ATTACKS.test(s.toLowerCase()) ? s.replace(UNQUOTED_EXAMPLE, ' ') : s))
    .join('\n');
}

/**
 * True when the text tries to instruct or impersonate the grader. Mentioning an attack as an example of
 * what to defend against is not an attempt; addressing the grader, a fake closing tag or a ready-made
 * verdict is.
 */
export function looksLikeManipulation(text: string): boolean {
  const t = withoutExamples(text).toLowerCase().replace(/\s+/g, ' ');
  return PATTERNS.some(([p, anchor]) => anchor.test(t) && p.test(t));
}
