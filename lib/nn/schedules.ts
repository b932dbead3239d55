/**
 * Learning-rate schedules: how the step size η changes from epoch to epoch. Large steps early
 * cover ground; small steps late settle into a minimum.
 *
 * @module
 */

/** The schedules by name. */
export const SCHEDULES = ["constant", "cosine", "step", "onecycle"] as const;

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
 * - step: η · factor^⌊(epoch − 1) / every⌋;
 * - onecycle: changes every step, not every epoch (see {@linkcode oneCycleRate}); `progress`, the
 *   share of the run's steps already taken, places the step.
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
export function learningRateAt(
  settings: ScheduleSettings,
  at: number,
  progress = (at - 1) / settings.epochs,
): number {
  const { learningRate, schedule } = settings;
  if (schedule === "onecycle") return oneCycleRate(learningRate, progress);
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

/** The share of a one-cycle run spent rising to the peak rate. */
export const ONE_CYCLE_RISE = 0.3;

/**
 * The one-cycle schedule (Smith and Topin, 2018) at `progress` ∈ [0, 1], the share of the run's
 * steps taken: over the first 30% the rate rises from η/25 to η along half a cosine, then falls
 * along another half cosine to η/25 000 at the last step. A short run can afford a peak rate that
 * would throw a long run off, because it spends so little time there; the slow start lets the
 * random weights settle first, and the long fall anneals into a minimum, within one epoch if need be.
 *
 * @param peak η, the highest rate, reached at 30% of the run
 * @param progress the share of the run's steps already taken, from 0 (the first step) up to 1
 * @returns the learning rate of that step
 * @example
 * ```ts
 * import { oneCycleRate } from "./schedules.ts";
 * oneCycleRate(0.01, 0); // 0.0004, η/25
 * oneCycleRate(0.01, 0.3); // 0.01, the peak
 * ```
 */
export function oneCycleRate(peak: number, progress: number): number {
  const start = peak / 25, end = start / 1000;
  const t = Math.min(Math.max(progress, 0), 1);
  const glide = (from: number, to: number, share: number) =>
    to + ((from - to) * (1 + Math.cos(Math.PI * share))) / 2;
  return t < ONE_CYCLE_RISE
    ? glide(start, peak, t / ONE_CYCLE_RISE)
    : glide(peak, end, (t - ONE_CYCLE_RISE) / (1 - ONE_CYCLE_RISE));
}
