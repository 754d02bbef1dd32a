import { createBankIndex } from '../src/bank/bank-index.js';
import { loadBank } from '../src/bank/load-bank.js';
import { loadConfig } from '../src/config.js';
import { parseScale } from './dataset.js';
import type { CommandIo } from './eval-command.js';
import { fitJudgeModel, loadTrainingSet, writeJudgeModel } from './fit-judge.js';
import { UsageError } from './usage-error.js';

/** `--fit-judge FILE --data A --scale 0:5 --data B --scale 1:5`: fit and write the embedded judge's weights. */
export function fitJudgeCommand(out: string, data: string[], scales: string[], env: Record<string, string | undefined>, io: CommandIo): number {
  if (scales.length > 1 && scales.length !== data.length) throw new UsageError(`--fit-judge: give one --scale per --data (got ${data.length} --data and ${scales.length} --scale)`);
  const config = loadConfig(env);
  const bank = createBankIndex(loadBank(config.BANK_PATH));
  const sets = data.map((path, i) => {
    const scale = parseScale(scales[scales.length === 1 ? 0 : i] ?? '1:5');
    io.stderr.write(`reading ${path} (scale ${scale.min}:${scale.max})\n`);
    return loadTrainingSet({ path, scale, itemWeight: 1 }, bank);
  });
  const model = fitJudgeModel(sets);
  writeJudgeModel(out, model);
  io.stdout(
    `embedded judge model ${model.id} (${model.features.length} features, lambda ${model.lambda}) fitted on ` +
      `${model.fittedOn.map((f) => `${f.dataset} (${f.items} items)`).join(', ')}; written to ${out}\n` +
      'its cross-validated agreement: npm run eval -- --data <each dataset> --judge embedded\n',
  );
  return 0;
}

