/** @jsxImportSource hono/jsx */
import type { BankIndex } from '../bank/bank-index.js';
import { areaLabel } from '../bank/area-label.js';
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
              <div class="field">
                <label for="topic">Topic</label>
                <select id="topic" name="topic">
                  <option value="">Any topic ({total} questions)</option>
                  {bank.areas().map((a) => (
                    <option value={a.id}>
                      {areaLabel(a.id)} ({a.count} questions)
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="difficulty">Difficulty</label>
                <select id="difficulty" name="difficulty">
                  <option value="">Any difficulty</option>
                  <option value="easy">Easy</option>
                  <option value="medium">Medium</option>
                  <option value="hard">Hard</option>
                </select>
              </div>
              <div class="field">
                <label for="type">Question type</label>
                <select id="type" name="type">
                  <option value="">Any type</option>
                  <option value="conceptual">Conceptual</option>
                  <option value="scenario">Scenario</option>
                </select>
              </div>
              <div class="field">
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
              <p id="setup-error" class="error" role="alert"></p>
            </form>
            <noscript>
              <p class="error">The chat needs JavaScript. The JSON API under /api works without it.</p>
            </noscript>
          </section>

          <section id="interview" aria-labelledby="interview-title" hidden>
            <div class="interview-head">
              <h2 id="interview-title">Interview</h2>
              <p id="progress" class="progress"></p>
              <button type="button" id="new-session" class="secondary">
                New session
              </button>
            </div>
            <ol id="transcript" class="transcript" aria-live="polite" aria-relevant="additions" aria-label="Interview transcript"></ol>
            <p id="status" class="status" role="status"></p>
            <form id="answer-form" class="composer card">
              <p id="retry-note" class="retry-note" hidden></p>
              <label for="answer" id="answer-label">
                Your answer
              </label>
              <textarea
                id="answer"
                name="answer"
                rows={7}
                maxlength={MAX_ANSWER_CHARS}
                aria-describedby="answer-help answer-count"
                spellcheck
              ></textarea>
              <div class="composer-foot">
                <span id="answer-help" class="help">
                  Ctrl+Enter (⌘+Enter on a Mac) sends.
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
