/**
 * Request parameters each model has refused, learned from its 400s and kept for the life of the process.
 * OpenAI's reasoning models (gpt-5 family, o3, o4-mini) refuse `max_tokens` in favour of
 * `max_completion_tokens`, and any non-default `temperature` or `top_p`. Learning it from the error, rather
 * than from a list of model names, also covers Azure deployments, whose names are the operator's own.
 */
export interface ModelParams {
  tokenField: 'max_tokens' | 'max_completion_tokens';
  /** Sampling parameters the model refuses: sent never again. */
  omit: ReadonlySet<'temperature' | 'top_p'>;
}

export interface ModelParamsBook {
  of(model: string): ModelParams;
  /** Record a refused parameter; false when it was already known (so the caller does not loop). */
  learn(model: string, refused: 'max_tokens' | 'temperature' | 'top_p'): boolean;
}

export function createModelParamsBook(): ModelParamsBook {
  const book = new Map<string, { tokenField: ModelParams['tokenField']; omit: Set<'temperature' | 'top_p'> }>();
  const entry = (model: string) => {
    let e = book.get(model);
    if (!e) {
      // `max_tokens` first: every OpenAI-compatible server understands it; only OpenAI's newest refuse it.
      e = { tokenField: 'max_tokens', omit: new Set() };
      book.set(model, e);
    }
    return e;
  };
  return {
    of: (model) => {
      const e = book.get(model);
      return e ? { tokenField: e.tokenField, omit: new Set(e.omit) } : { tokenField: 'max_tokens', omit: new Set() };
    },
    learn(model, refused) {
      const e = entry(model);
      if (refused === 'max_tokens') {
        if (e.tokenField === 'max_completion_tokens') return false;
        e.tokenField = 'max_completion_tokens';
        return true;
      }
      if (e.omit.has(refused)) return false;
      e.omit.add(refused);
      return true;
    },
  };
}
