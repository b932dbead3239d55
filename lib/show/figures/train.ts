/**
 * The tables of notebook 06, train: every setting of the run, and its history one row per epoch
 * (the history's chart is `historyChart`, in charts/evaluation.ts).
 *
 * @module
 */

import { type RunSettings, SETTINGS } from "../../run/settings.ts";
import type { EpochRecord } from "../../train/records.ts";
import { percent, type Table, table } from "../table.ts";

/**
 * Every setting of a run: its value, its group and what it means.
 *
 * @returns a table of one row per setting
 */
export function settingsTable(settings: RunSettings): Table {
  return table(
    Object.entries(SETTINGS).map(([key, field]) => ({
      setting: key,
      value: JSON.stringify(settings[key as keyof RunSettings]),
      group: field.group,
      "what it is": field.help,
    })),
  );
}

/**
 * The training history, one row per epoch (every epoch is shown): accuracies as percentages,
 * losses with 4 decimals.
 * @returns the table, one row per epoch
 */
export function historyTable(history: EpochRecord[]): Table {
  const loss = (x: number) => x.toFixed(4);
  return table(
    history.map((r) => ({
      epoch: r.epoch,
      loss: r.loss,
      "train accuracy": r.trainAccuracy,
      ...(r.validationLoss !== undefined ? { "held-out loss": r.validationLoss } : {}),
      ...(r.validationAccuracy !== undefined ? { "held-out accuracy": r.validationAccuracy } : {}),
      "learning rate": r.learningRate,
      seconds: r.seconds,
    })),
    {
      loss,
      "held-out loss": loss,
      "train accuracy": percent,
      "held-out accuracy": percent,
      "learning rate": (x: number) => String(Number(x.toPrecision(3))),
      seconds: (x: number) => x.toFixed(2),
    },
  );
}
