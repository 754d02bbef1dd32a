/** @jsxImportSource hono/jsx */
import { areaLabel } from '../bank/area-label.js';
import type { CandidateProfile } from '../sessions/profile-schemas.js';
import { ScoreChart } from './history-chart.js';

const MODE = { practice: 'Practice', review: 'Review', mock: 'Mock interview' } as const;
const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
/** A date and time that may break between the two but never inside a date at its hyphens. */
const When = ({ iso }: { iso: string }) => (
  <>
    <span class="when">{iso.slice(0, 10)}</span> <span class="when">{iso.slice(11, 16)}</span>
  </>
);

function Shell({ title, children, restore }: { title: string; children: unknown; restore?: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/history.css" />
        {restore ? <script type="module" src="/history.js"></script> : null}
      </head>
      <body>
        <main id="main">
          <p>
            <a href="/">Back to the interview coach</a>
          </p>
          {children}
        </main>
      </body>
    </html>
  );
}

/** A page that says why there is no history to show (no id, a malformed id, an unknown id). */
export function HistoryMessage({ heading, text, restore }: { heading: string; text: string; restore?: boolean }) {
  return (
    <Shell title={`Practice history: ${heading}`} restore={restore ?? false}>
      <h1>Practice history</h1>
      <p id="history-message">
        <strong>{heading}.</strong> {text}
      </p>
    </Shell>
  );
}

/**
 * A candidate's practice history: review status, the chart of scores over time per topic, the sessions and
 * the key points missed most. Every text comes from the profile and is inserted as text by hono/jsx.
 */
export function HistoryPage({ profile }: { profile: CandidateProfile }) {
  const { review } = profile;
  return (
    <Shell title="Practice history">
      <h1>Practice history</h1>
      <p class="review">
        {review.due > 0
          ? `${review.due} question${review.due === 1 ? '' : 's'} due for review now: start a review session from the chat.`
          : review.nextDueAt
            ? `Nothing due for review; the next question is due ${when(review.nextDueAt)} UTC.`
            : 'Nothing to review: no answer has missed a key point yet.'}
      </p>
      <h2>Scores over time</h2>
      <p class="note">Each point is one session's mean score for the topic.</p>
      <ScoreChart topics={profile.topics} />
      <h2>Sessions</h2>
      <p class="note">Times are UTC. A date opens the session in the chat.</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Mode</th>
              <th scope="col">Topic</th>
              <th scope="col">Mean</th>
              <th scope="col">Answers</th>
            </tr>
          </thead>
          <tbody>
            {profile.sessions.map((s) => (
              <tr>
                <td>
                  <a href={`/?session=${encodeURIComponent(s.id)}`}>
                    <When iso={s.startedAt} />
                  </a>
                  {s.finishedAt ? '' : ' (not finished)'}
                </td>
                <td>{MODE[s.mode]}</td>
                <td>{s.topic ? areaLabel(s.topic) : 'Any'}</td>
                <td>{s.meanScore === null ? '–' : String(s.meanScore)}</td>
                <td>{String(s.answers)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {profile.keyPoints.length ? (
        <>
          <h2>Key points missed most</h2>
          <ul class="missed">
            {profile.keyPoints.slice(0, 10).map((k) => (
              <li>
                {k.statement} <span class="count">
                  (missed {String(k.missed)}×, last <When iso={k.lastSeen} />)
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Shell>
  );
}
