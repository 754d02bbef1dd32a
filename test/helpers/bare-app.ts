import { createGrader } from '../../src/grading/grade.js';
import { createApp } from '../../src/http/app.js';
import { createEmbeddedJudge } from '../../src/judge/embedded/embedded-judge.js';
import { bank } from './app.js';

/** The app with no store: the grading API only. */
export function bareApp() {
  const judge = createEmbeddedJudge();
  return { app: createApp({ bank, judge, grade: createGrader({ bank, judge }) }) };
}
