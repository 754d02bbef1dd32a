import type { z } from 'zod';

/**
 * A zod error as one line, `path: message; path: message`, with `root` naming an issue of the whole value
 * (`file`, `body`, ...). The one formatter of config, bank, prompt, calibration, model, dataset and row errors;
 * `z.prettifyError` prints several lines with symbols, which these single-line messages do not want.
 */
export function issuesLine(error: z.ZodError, root = ''): string {
  return error.issues.map((i) => `${i.path.join('.') || root}: ${i.message}`).join('; ');
}
