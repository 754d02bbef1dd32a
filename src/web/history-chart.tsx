/** @jsxImportSource hono/jsx */
import { mean, round } from '../numbers.js';
import type { CandidateProfile } from '../sessions/profile-schemas.js';

/** Line colours that stay apart for colour-blind readers (Okabe-Ito), one per topic in turn. */
export const TOPIC_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

const W = 360;
const H = 200;
const LEFT = 28;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 26;

const day = (iso: string) => iso.slice(0, 10);

type Topic = CandidateProfile['topics'][number];

/**
 * One point per session for a topic: the mean of its graded answers in that session, at the first of them.
 * Every answer would draw a vertical zigzag within each session, which says nothing about progress.
 */
export function perSession(points: Topic['points']): { at: string; score: number; answers: number }[] {
  const bySession = new Map<string, { at: string; scores: number[] }>();
  for (const p of points) {
    const e = bySession.get(p.sessionId) ?? { at: p.at, scores: [] };
    e.scores.push(p.score);
    bySession.set(p.sessionId, e);
  }
  return [...bySession.values()]
    .map((e) => ({ at: e.at, score: round(mean(e.scores) ?? 0, 1), answers: e.scores.length }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Scores over time per topic as inline SVG, drawn here on the server: no script, no asset. Each point is a
 * session's mean for the topic. It scales to the page's width (a `viewBox`), so at 390 px it is the same
 * chart, smaller. Each point has a `<title>`, and the legend gives the numbers in words.
 */
export function ScoreChart({ topics: all }: { topics: CandidateProfile['topics'] }) {
  const topics = all.map((t) => ({ ...t, points: perSession(t.points) }));
  const times = topics.flatMap((t) => t.points.map((p) => Date.parse(p.at)));
  if (times.length === 0) return <p>No graded answer yet: the chart appears after the first grade.</p>;
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (at: string) => (t1 === t0 ? LEFT + (W - LEFT - RIGHT) / 2 : LEFT + ((Date.parse(at) - t0) / (t1 - t0)) * (W - LEFT - RIGHT));
  const y = (score: number) => TOP + ((5 - score) / 4) * (H - TOP - BOTTOM);
  const f = (n: number) => n.toFixed(1);
  return (
    <figure class="chart">
      <svg class="plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
        <title id="chart-title">Scores over time per topic, from 1 to 5: each point is one session's mean for the topic</title>
        {[1, 2, 3, 4, 5].map((s) => (
          <g>
            <line x1={LEFT} x2={W - RIGHT} y1={f(y(s))} y2={f(y(s))} stroke="#ccc" stroke-width="1" />
            <text x={LEFT - 6} y={f(y(s) + 4)} text-anchor="end" font-size="11" fill="#333">
              {String(s)}
            </text>
          </g>
        ))}
        <text x={LEFT} y={H - 6} font-size="11" fill="#333">
          {day(new Date(t0).toISOString())}
        </text>
        <text x={W - RIGHT} y={H - 6} font-size="11" fill="#333" text-anchor="end">
          {day(new Date(t1).toISOString())}
        </text>
        {topics.map((t, i) => {
          const colour = TOPIC_COLOURS[i % TOPIC_COLOURS.length];
          const pts = t.points.map((p) => `${f(x(p.at))},${f(y(p.score))}`).join(' ');
          return (
            <g>
              {t.points.length > 1 ? <polyline points={pts} fill="none" stroke={colour} stroke-width="2" /> : null}
              {t.points.map((p) => (
                <circle cx={f(x(p.at))} cy={f(y(p.score))} r="3.5" fill={colour}>
                  <title>{`${t.label}: ${p.score} (mean of ${p.answers} answer${p.answers === 1 ? '' : 's'}) on ${day(p.at)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {topics.map((t, i) => (
            <li>
              <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">
                <rect width="12" height="12" fill={TOPIC_COLOURS[i % TOPIC_COLOURS.length]} />
              </svg>{' '}
              {t.label}: {String(t.attempts)} graded, latest mean {t.meanLatest === null ? 'none' : String(t.meanLatest)}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
