import type { BankIndex } from '../bank/bank-index.js';
import { areaLabel } from '../bank/area-label.js';
import { roundScore } from '../grading/levels.js';
import { mean } from '../numbers.js';
import type { SessionRecord } from '../store/sessions-repo.js';
import type { TurnRecord } from '../store/turns-repo.js';
import type { CandidateProfile } from './profile-schemas.js';
import { dueItems, nextDueAt, reviewSchedule } from './review-schedule.js';
import { summarize } from './summary.js';

/** The mean as a score is shown (rounded like every score), or null when there is none. */
const meanScore = (xs: number[]) => {
  const m = mean(xs);
  return m === null ? null : roundScore(m);
};
const scoreOf = (t: TurnRecord) => (t.status === 'graded' && typeof t.grade?.score === 'number' ? t.grade.score : null);

/** A candidate's history from its sessions and turns, at `now` (for the review schedule). */
export function candidateProfile(bank: BankIndex, candidateId: string, sessions: readonly SessionRecord[], turns: readonly TurnRecord[], now: Date): CandidateProfile {
  const bySession = new Map<string, TurnRecord[]>();
  for (const t of turns) bySession.set(t.sessionId, [...(bySession.get(t.sessionId) ?? []), t]);

  const planned = turns
    .filter((t) => t.adaptiveOf === null && scoreOf(t) !== null)
    .sort((a, b) => (a.gradedAt ?? a.createdAt).localeCompare(b.gradedAt ?? b.createdAt) || a.seq - b.seq);
  const areas = new Map<string, { points: { at: string; score: number; sessionId: string }[]; latest: Map<string, number> }>();
  for (const t of planned) {
    const area = bank.gradable(t.questionId)?.area ?? 'unknown';
    const entry = areas.get(area) ?? { points: [], latest: new Map<string, number>() };
    const score = scoreOf(t) ?? 0;
    entry.points.push({ at: t.gradedAt ?? t.createdAt, score, sessionId: t.sessionId });
    entry.latest.set(t.questionId, score);
    areas.set(area, entry);
  }

  const missed = new Map<string, CandidateProfile['keyPoints'][number]>();
  for (const t of planned) {
    for (const k of t.grade?.keyPoints ?? []) {
      if (k.verdict === 'covered') continue;
      const key = `${t.questionId}#${k.id}`;
      const e = missed.get(key) ?? { questionId: t.questionId, keyPointId: k.id, statement: k.statement, missed: 0, lastSeen: '' };
      e.missed++;
      e.lastSeen = t.gradedAt ?? t.createdAt;
      missed.set(key, e);
    }
  }

  const schedule = reviewSchedule(turns);
  return {
    candidateId,
    sessions: sessions.map((s) => {
      const own = bySession.get(s.id) ?? [];
      return {
        id: s.id,
        startedAt: s.createdAt,
        finishedAt: s.finishedAt,
        mode: s.mode,
        topic: s.filters.topic,
        meanScore: summarize(bank, own).meanScore,
        answers: own.length,
      };
    }),
    topics: [...areas].map(([area, e]) => ({ area, label: areaLabel(area), attempts: e.points.length, meanLatest: meanScore([...e.latest.values()]), points: e.points })),
    keyPoints: [...missed.values()].sort((a, b) => b.missed - a.missed || b.lastSeen.localeCompare(a.lastSeen)),
    review: { due: dueItems(schedule, now).length, nextDueAt: nextDueAt(schedule, now) },
  };
}
