/**
 * Learning-rate schedules: how the step size η changes from epoch to epoch. Large steps early
 * cover ground; small steps late settle into a minimum.
 *
 * @module
 */

/** The schedules by name. */
export const SCHEDULES = ["constant", "cosine", "step"] as const;

/** One of {@linkcode SCHEDULES}. */
export type ScheduleName = typeof SCHEDULES[number];

/** What a schedule is made from. */
export interface ScheduleSettings {
  /** η, the base learning rate. */
  learningRate: number;
  schedule: ScheduleName;
  /** For `"step"`: epochs between drops. */
  stepEvery: number;
  /** For `"step"`: what each drop multiplies the rate by. */
  stepFactor: number;
  /** The run's length, for `"cosine"`. */
  epochs: number;
  /** Epochs of linear warm-up before the schedule starts; 0 for none. */
  warmupEpochs?: number;
}

/**
 * The learning rate of epoch `epoch` (counted from 1):
 * - constant: η;
 * - cosine: η · ½(1 + cos(π(epoch − 1) / epochs)), gliding from η towards 0;
 * - step: η · factor^⌊(epoch − 1) / every⌋.
 *
 * With W warm-up epochs, epoch e ≤ W runs at η · e / (W + 1), rising in a straight line, and the
 * schedule then runs over the remaining epochs as if they were the whole run: large steps on
 * random weights can throw a network far off, so it starts gently.
 *
 * @returns the learning rate of that epoch
 * @example
 * ```ts
 * import { learningRateAt } from "./schedules.ts";
 * const settings = { learningRate: 0.1, schedule: "step", stepEvery: 10, stepFactor: 0.5, epochs: 30 } as const;
 * learningRateAt(settings, 11); // 0.05
 * ```
 */
export function learningRateAt(settings: ScheduleSettings, at: number): number {
  const { learningRate, schedule } = settings;
  const warmup = settings.warmupEpochs ?? 0;
  if (at <= warmup) return (learningRate * at) / (warmup + 1);
  const epoch = at - warmup, epochs = settings.epochs - warmup;
  switch (schedule) {
    case "constant":
      return learningRate;
    case "cosine":
      return learningRate * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs));
    case "step":
      return learningRate * settings.stepFactor ** Math.floor((epoch - 1) / settings.stepEvery);
  }
}
