/**
 * The divergence guard: training that has blown up, whether its loss turned NaN or infinite, or
 * exploded while staying finite, or fell back to guessing after it had learned. It stops the run
 * and names the setting to change; the network keeps its last good epoch.
 *
 * @module
 */

import type { EpochRecord, TrainingSettings } from "./records.ts";

/** Thrown when training diverges; `history` holds the epochs completed before it did. */
export class TrainingDiverged extends RangeError {
  constructor(
    problem: string,
    settings: Pick<TrainingSettings, "momentum" | "weightDecay" | "optimizer">,
    learningRate: number,
    readonly history: EpochRecord[],
  ) {
    super(
      `Training diverged ${problem}. ${advice(settings, learningRate)} ` +
        `The network keeps the model of epoch ${history.length}.`,
    );
    this.name = "TrainingDiverged";
  }
}

/** Which setting to change, and how. */
function advice(
  settings: Pick<TrainingSettings, "momentum" | "weightDecay" | "optimizer">,
  learningRate: number,
): string {
  // The decay is to blame only beside a learning rate that is sane alone (η ≤ 1): with η = 10⁶
  // any decay shrinks the weights, and the rate is what to change.
  if (settings.weightDecay * learningRate >= 0.5 && learningRate <= 1) {
    return `Try a smaller weight decay (weightDecay, --weight-decay) than ${settings.weightDecay}: with η = ${learningRate} each step shrinks the weights by ${
      (100 * settings.weightDecay * learningRate).toFixed(0)
    }%.`;
  }
  if (settings.optimizer === "momentum" && settings.momentum >= 0.99) {
    return `Try a smaller momentum (momentum, --momentum) than ${settings.momentum}, or a smaller learning rate than ${learningRate}.`;
  }
  return `Try a smaller learning rate (learningRate, --learning-rate) than ${learningRate}.`;
}

/**
 * Whether an epoch shows a run that has blown up while its loss stayed finite: a mean loss far
 * above guessing at random (ln classes), or twice the best so far; or an accuracy back at chance
 * after the run had learned.
 *
 * @param record the epoch just trained
 * @param history the epochs before it
 * @returns what went wrong, or undefined when the epoch looks sane
 */
export function divergence(
  record: EpochRecord,
  history: EpochRecord[],
  classes: number,
): string | undefined {
  const guessing = Math.log(classes);
  const at = `at epoch ${record.epoch}`;
  if (history.length === 0) {
    return record.loss > 10 * guessing
      ? `${at}: the mean loss is ${record.loss.toFixed(2)}, where guessing at random gives ${
        guessing.toFixed(2)
      }`
      : undefined;
  }
  const best = Math.min(...history.map((r) => r.loss));
  if (record.loss > Math.max(3 * guessing, 2 * best)) {
    return `${at}: the mean loss rose to ${record.loss.toFixed(2)} from ${
      best.toFixed(2)
    } (guessing at random gives ${guessing.toFixed(2)})`;
  }
  const bestAccuracy = Math.max(...history.map((r) => r.trainAccuracy));
  if (record.trainAccuracy <= 1.5 / classes && bestAccuracy >= 3 / classes) {
    return `${at}: the training accuracy fell to ${
      (100 * record.trainAccuracy).toFixed(1)
    }%, chance level, from ${(100 * bestAccuracy).toFixed(1)}%`;
  }
  return undefined;
}
