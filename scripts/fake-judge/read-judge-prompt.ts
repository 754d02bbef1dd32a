/**
 * Reads the judge's own prompt back into its parts, the way a model would read it. Used only by the fake
 * judge (stub server and tests); it knows the layout of prompts/judge-user.md.
 */
export interface ReadPrompt {
  question: string;
  reference: string;
  keyPoints: { id: string; weight: number; statement: string }[];
  /** The answer as the reader takes it: up to the first closing tag it believes in. */
  answer: string;
  /** Everything the reader does not take as the answer: system message plus the rest of the user message. */
  outside: string;
  /** Where the candidate answer stood relative to the reference answer. */
  candidateFirst: boolean;
}

export interface ChatLike {
  role: string;
  content: string | null;
}

/**
 * @param gullible A careless reader: it ends the answer at the first `</candidate_answer...` it sees,
 *   whatever code the tag carries. A careful one ends it only at the tag with this request's code.
 */
export function readJudgePrompt(messages: readonly ChatLike[], gullible = false): ReadPrompt | null {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  const open = /<candidate_answer_([0-9a-f]+)>\n/.exec(user);
  if (!open) return null;
  const start = open.index + open[0].length;
  const realClose = user.indexOf(`</candidate_answer_${open[1]}>`, start);
  // Invisible characters do not hide a tag from a model that reads tokens.
  const anyClose = user.slice(start).search(/<[\s\u200B-\u200F\u2060\uFEFF]*\/[\s\u200B-\u200F\u2060\uFEFF]*candidate_answer/);
  const end = gullible && anyClose >= 0 ? start + anyClose : realClose;
  if (end < 0) return null;

  const refStart = user.indexOf('<reference_answer>\n');
  const refEnd = user.indexOf('\n</reference_answer>');
  const keyPoints = [...user.matchAll(/^- \[([a-z0-9-]+)\] \(weight ([\d.]+)\) (.*)$/gm)].map((m) => ({
    id: m[1] ?? '',
    weight: Number(m[2]),
    statement: m[3] ?? '',
  }));
  return {
    question: /## Question\n([\s\S]*?)\n\n## /.exec(user)?.[1] ?? '',
    reference: refStart >= 0 && refEnd > refStart ? user.slice(refStart + '<reference_answer>\n'.length, refEnd) : '',
    keyPoints,
    answer: user.slice(start, end).replace(/\n$/, ''),
    outside: `${system}\n${user.slice(0, open.index)}\n${user.slice(end)}`,
    candidateFirst: open.index < refStart,
  };
}
