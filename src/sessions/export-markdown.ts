import type { SessionSummary, SessionView, TurnView } from './view-schemas.js';

const VERDICT = { covered: 'covered', partial: 'partly covered', missing: 'missing' } as const;

/** Markdown's markup characters escaped, so text reads as text: no heading, link, emphasis or raw HTML. */
const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/([\\`*_[\]<>#|])/g, '\\$1')
    // A list marker only means something at the start of a line.
    .replace(/^(\s*)([-+])(?=\s)/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s)/, '$1\\$2');
/** Candidate or judge text as a Markdown block quote, line by line, escaped. */
const quote = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => `> ${escape(line)}`)
    .join('\n');
/** One line of text, escaped. */
const inline = (text: string) => escape(text.replace(/\s+/g, ' '));

/**
 * A session's transcript as Markdown: each question, the answer, the grade with the evidence for each key
 * point, the advice, and the model answer (once the session shows model answers), then the summary.
 */
export function sessionMarkdown(
  session: SessionView,
  turns: readonly TurnView[],
  summary: SessionSummary,
  reference: (questionId: string) => { answer: string; explanation: string | null } | null,
): string {
  const out: string[] = [`# Interview practice: session ${session.id}`, ''];
  out.push(`- Mode: ${session.mode}`, `- Started: ${session.createdAt}`, `- Finished: ${session.finishedAt ?? 'not yet'}`);
  if (session.timeLimitSeconds) out.push(`- Time limit per question: ${session.timeLimitSeconds} s`);
  out.push('');
  turns.forEach((t, i) => {
    const kind = t.adaptiveOf ? 'adaptive follow-up' : t.kind;
    out.push(`## ${i + 1}. ${inline(t.question)}`, '', `*${kind}, attempt ${t.attempt}${t.timeSpentMs !== null ? `, ${Math.round(t.timeSpentMs / 1000)} s` : ''}${t.overTime ? ', over time' : ''}${t.hintUsed ? ', hint used' : ''}*`, '');
    out.push('**Answer**', '', quote(t.answer), '');
    const g = t.grade;
    if (t.status !== 'graded' || !g) {
      out.push(`**Not graded** (${t.status}${t.failure ? `: ${inline(t.failure.reason)}` : ''})`, '');
    } else {
      out.push(`**Score ${g.score ?? 'none'}${g.level ? ` (${g.level.label})` : ''}**, ${g.judge.kind === 'embedded' ? 'embedded judge' : `LLM judge ${inline(g.judge.model)}`}, prompt ${inline(g.judge.promptVersion)}`, '');
      for (const k of g.keyPoints) {
        out.push(`- ${VERDICT[k.verdict]}: ${inline(k.statement)}${k.evidence ? `\n  - evidence: "${inline(k.evidence)}"` : ''}`);
      }
      out.push('');
      for (const a of t.advice) out.push(`- ${inline(a.text)}`);
      if (t.advice.length) out.push('');
      if (g.adaptiveFollowUp) out.push(`The judge would also ask: ${inline(g.adaptiveFollowUp)}`, '');
    }
    const ref = session.revealReference ? reference(t.questionId) : null;
    if (ref) {
      out.push('**Model answer**', '', quote(ref.answer), '');
      if (ref.explanation) out.push(quote(ref.explanation), '');
    }
  });
  out.push('## Summary', '', `Mean score: ${summary.meanScore ?? 'none'}${summary.level ? ` (${summary.level})` : ''}`, '');
  out.push('| question | score | attempts | hint | model answer seen before a retry | time |', '|---|---|---|---|---|---|');
  for (const q of summary.questions) {
    out.push(`| ${inline(q.question)} | ${q.score ?? '-'} | ${q.attempts} | ${q.hintUsed ? 'yes' : 'no'} | ${q.modelAnswerViewedBeforeRetry ? 'yes' : 'no'} | ${q.timeSpentMs !== null ? `${Math.round(q.timeSpentMs / 1000)} s${q.overTime ? ' (over)' : ''}` : '-'} |`);
  }
  out.push('');
  if (summary.weakAreas.length) out.push(`Weak topics: ${summary.weakAreas.map(inline).join(', ')}`, '');
  if (summary.missedKeyPoints.length) {
    out.push('Key points missed:', '');
    for (const k of summary.missedKeyPoints) out.push(`- ${inline(k.statement)} (${inline(k.question)})`);
    out.push('');
  }
  return out.join('\n');
}
