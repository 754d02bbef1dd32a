/**
 * Phrases by which an answer addresses the grader instead of the interviewer. Any judge may use them to
 * flag an answer; the embedded judge scores a flagged answer 1, which is what the LLM prompt asks for too.
 * Matched on lower-cased text with white space folded.
 */
const PATTERNS: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(instructions?|rubric|grading|rules|criteria|guidelines)\b/,
  /\b(ignore|disregard|forget)\b[^.!?\n]{0,20}\b(above|previous|prior|earlier)\b[^.!?\n]{0,20}\b(text|instructions?|messages?|context)\b/,
  /\b(give|award|assign|grant|rate|mark)\s+(me|this(\s+answer|\s+response)?|it|the\s+candidate)\b[^.!?\n]{0,25}\b(5|five|10|ten|100|full|maximum|max|perfect|top|highest)\b/,
  /\b(system|developer|admin)\s+(note|override)\b/,
  /\b(grader|judge|evaluator|assessor)\s+(note|override)\b/,
  /\bnote\s+(to|for)\s+(the\s+)?(grader|judge|evaluator|assessor|ai|model|llm)\b/,
  /\b(you are now|act as|pretend (to be|you are)|role-?play as)\b[^.!?\n]{0,30}\b(grader|judge|evaluator|assistant|ai)\b/,
  /["']?\b(score|grade|rating)\b["']?\s*[:=]\s*["']?\s*(5|five|10|100|excellent)\b/,
  /["']?\bverdict\b["']?\s*[:=]\s*["']?\s*(pass|covered|excellent)\b/,
  /<\/?\s*(answer|candidate[_-]?answer|system|instructions?|rubric|reference)\b[^>]*>/,
  /\b(this|my) (answer|response) (is|should be|must be|deserves)\b[^.!?\n]{0,20}\b(5|perfect|excellent|full marks|top score)\b/,
  /\bjailbreak|\bdan mode\b|\bdeveloper mode\b|\bnew instructions\s*:/,
];

/** True when the text tries to instruct or impersonate the grader. */
export function looksLikeManipulation(text: string): boolean {
  const t = text.toLowerCase().replace(/\s+/g, ' ');
  return PATTERNS.some((p) => p.test(t));
}
