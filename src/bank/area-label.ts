// Words the kebab-case ids spell in lower case but people write otherwise.
const SPECIAL: Record<string, string> = { llm: 'LLM', llms: 'LLMs', ml: 'ML', mlops: 'MLOps', ci: 'CI', cd: 'CD', ab: 'A/B' };

/**
 * A readable label for a kebab-case area id.
 *
 * @example areaLabel('llm-evaluation') // 'LLM evaluation'
 */
export function areaLabel(id: string): string {
  const words = id.split('-').map((w) => SPECIAL[w] ?? w);
  const [first = '', ...rest] = words;
  return [first === first.toLowerCase() ? first.charAt(0).toUpperCase() + first.slice(1) : first, ...rest].join(' ');
}
