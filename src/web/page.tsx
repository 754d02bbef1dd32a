/** @jsxImportSource hono/jsx */
import type { BankIndex } from '../bank/bank-index.js';
import { MAX_ANSWER_CHARS } from '../grading/grade-schema.js';
import type { Judge } from '../judge/judge.js';
import { DEFAULT_SESSION_QUESTIONS, MAX_SESSION_QUESTIONS } from '../sessions/schemas.js';

export interface PageProps {
  bank: BankIndex;
  judge: Pick<Judge, 'kind' | 'model' | 'promptVersion'>;
  /** Short-lived token for the session API, when the server requires API keys. */
  apiToken?: string;
}

/** How the page names a judge; the client uses the same words for each grade. */
export function judgeLabel(judge: Pick<Judge, 'kind' | 'model'>): string {
  return judge.kind === 'embedded' ? 'Embedded judge (offline, no LLM)' : `LLM judge: ${judge.model}`;
}

/**
 * The chat page. It renders the setup form and an empty interview; `/static/chat.js` drives the rest
 * through the JSON API. Nothing here depends on a CDN or external font, so it works offline.
 */
export function ChatPage({ bank, judge, apiToken }: PageProps) {
  const total = bank.bank.questions.length;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Interview coach</title>
        {apiToken ? <meta name="coach-api-token" content={apiToken} /> : null}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/chat.css" />
        <script type="module" src="/static/chat.js"></script>
      </head>
      <body data-max-answer-chars={String(MAX_ANSWER_CHARS)}>
        <a class="skip-link" href="#main">
          Skip to the interview
        </a>
        <header class="top">
          <div class="top-inner">
            <h1>Interview coach</h1>
            <p class="judge-badge" data-kind={judge.kind} title={`Scoring rules or prompt version ${judge.promptVersion}`}>
              {judgeLabel(judge)}
            </p>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <section id="setup" aria-labelledby="setup-title" class="card">
            <h2 id="setup-title">Start a practice interview</h2>
            <p class="lede">
              Answer MLOps interview questions in your own words. Each answer is scored 1 to 5 against a model answer
              and its key points, then you get the follow-up question.
            </p>
            <form id="setup-form" class="setup-grid">
              <fieldset class="modes">
                <legend>Mode</legend>
                <label class="mode">
                  <input type="radio" name="mode" value="practice" checked />
                  <span>
                    <strong>Practice</strong> <span class="help">hints, model answers and retries at any time</span>
                  </span>
                </label>
                <label class="mode">
                  <input type="radio" name="mode" value="review" />
                  <span>
                    <strong>Review</strong> <span class="help">the questions whose key points you missed, when they are due</span>
                  </span>
                </label>
                <label class="mode">
                  <input type="radio" name="mode" value="mock" />
                  <span>
                    <strong>Mock interview</strong> <span class="help">timed; model answers and retries after the last question</span>
                  </span>
                </label>
              </fieldset>
              <div class="field" id="time-limit-field" hidden>
                <label for="time-limit">Time per question</label>
                <select id="time-limit" name="timeLimit">
                  {[1, 2, 3, 4, 5, 6, 8, 10].map((m) => (
                    <option value={String(m * 60)} selected={m === 4}>
                      {m} minute{m === 1 ? '' : 's'}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field filter">
                <label for="topic">Topic</label>
                <select id="topic" name="topic">
                  <option value="">Any topic ({total} questions)</option>
                </select>
              </div>
              <div class="field filter">
                <label for="difficulty">Difficulty</label>
                <select id="difficulty" name="difficulty">
                  <option value="">Any difficulty</option>
                </select>
              </div>
              <div class="field filter">
                <label for="type">Question type</label>
                <select id="type" name="type">
                  <option value="">Any type</option>
                </select>
              </div>
              <div class="field filter">
                <label for="count">Questions</label>
                <input
                  id="count"
                  name="count"
                  type="number"
                  inputmode="numeric"
                  min="1"
                  max={String(MAX_SESSION_QUESTIONS)}
                  value={String(DEFAULT_SESSION_QUESTIONS)}
                  aria-describedby="count-help"
                />
                <span id="count-help" class="help">
                  Each question is followed by a follow-up.
                </span>
              </div>
              <div class="setup-actions">
                <button type="submit" id="start">
                  Start interview
                </button>
              </div>
              <p id="setup-note" class="note" role="status"></p>
              <p id="setup-error" class="error" role="alert"></p>
            </form>
            <noscript>
              <p class="error">The chat needs JavaScript. The JSON API under /api works without it.</p>
            </noscript>
          </section>

          <section id="profile" aria-labelledby="profile-title" class="card profile">
            <h2 id="profile-title">Your practice profile</h2>
            <p class="help">
              No account: this browser keeps a random practice id, and your history is stored under it. Anyone with the
              id can see that history, so keep it to yourself. Copy or download it to practise in another browser.
            </p>
            <p class="profile-id">
              <span class="id-label">Practice id</span> <code id="candidate-id"></code>
            </p>
            <div class="actions">
              <a id="history-link" class="button-link" href="/history">
                Your history
              </a>
              <button type="button" id="copy-id" class="secondary">
                Copy id
              </button>
              <button type="button" id="download-id" class="secondary">
                Download profile
              </button>
            </div>
            <details class="import">
              <summary>Use an id from another browser</summary>
              <div class="import-row">
                <label for="import-id">Practice id or exported profile</label>
                <input id="import-id" type="text" autocomplete="off" spellcheck={false} />
                <label for="import-file" class="file-label">
                  or choose the downloaded file
                </label>
                <input id="import-file" type="file" accept=".json,application/json,text/plain" />
                <button type="button" id="import-button">
                  Use this id
                </button>
              </div>
            </details>
            <p id="profile-note" class="note" role="status"></p>
          </section>

          <section id="interview" aria-labelledby="interview-title" hidden>
            <div class="interview-head">
              <h2 id="interview-title">Interview</h2>
              <span id="mode-badge" class="badge mode-badge"></span>
              <p id="progress" class="progress"></p>
              <span class="head-buttons">
                <button type="button" id="export" class="secondary">
                  Download transcript
                </button>
                <button type="button" id="new-session" class="secondary">
                  New session
                </button>
              </span>
            </div>
            {/* Outside the header, so it stays at the top of the screen while the transcript scrolls. */}
            <p id="countdown" class="countdown" role="timer" aria-live="off" hidden></p>
            <ol id="transcript" class="transcript" aria-live="polite" aria-relevant="additions" aria-label="Interview transcript"></ol>
            <p id="status" class="status" role="status"></p>
            <form id="answer-form" class="composer card">
              <p id="retry-note" class="retry-note" hidden></p>
              <div class="hint-row">
                <button type="button" id="hint" class="secondary">
                  Hint
                </button>
                <p id="hint-text" class="hint-text" hidden></p>
              </div>
              <label for="answer" id="answer-label">
                Your answer
              </label>
              <textarea id="answer" name="answer" rows={7} aria-describedby="answer-help answer-count paste-note" spellcheck></textarea>
              <p id="paste-note" class="note paste-note" role="status"></p>
              <div class="composer-foot">
                <span id="answer-help" class="help">
                  <span class="kbd-hint">Ctrl+Enter (⌘+Enter on a Mac) sends.</span>
                </span>
                <span id="answer-count" class="counter">
                  0 / {MAX_ANSWER_CHARS.toLocaleString('en')}
                </span>
                <span class="composer-buttons">
                  <button type="button" id="cancel-retry" class="secondary" hidden>
                    Cancel retry
                  </button>
                  <button type="submit" id="send">
                    Send answer
                  </button>
                </span>
              </div>
              <p id="answer-error" class="error" role="alert"></p>
            </form>
            <dialog id="confirm-new" aria-labelledby="confirm-new-title">
              <form method="dialog">
                <h3 id="confirm-new-title">Leave this session?</h3>
                <p>Your answers so far are saved and the session stays in your history; Back returns to it.</p>
                <div class="actions">
                  <button value="leave" id="confirm-leave">
                    Start a new session
                  </button>
                  <button value="stay" class="secondary" id="confirm-stay" autofocus>
                    Keep going
                  </button>
                </div>
              </form>
            </dialog>
          </section>
        </main>
        <footer class="foot">
          <p>
            Answers are stored on this server with their grades. Scores come from the judge named above; treat them as
            practice feedback, not a verdict.
          </p>
        </footer>
      </body>
    </html>
  );
}
