/**
 * Training in a notebook in one call: a progress bar and a loss-and-accuracy chart that update in
 * place (one output each), and the kernel's interrupt button stopping the run after its last
 * completed epoch.
 *
 * @module
 */

import type { Examples } from "../../data/preprocess.ts";
import type { Network } from "../../nn/network.ts";
import { train, type TrainOptions, type TrainResult } from "../../train/loop.ts";
import type { EpochRecord } from "../../train/records.ts";
import { historyChart } from "../charts/evaluation.ts";
import { kernelInterrupt } from "./kernel.ts";
import { formatDuration, LiveOutput, progressBar } from "./live.ts";
import { Text } from "../display.ts";

/** What `trainLive` returns: the run, its time, and a summary a cell shows. */
export interface LiveResult extends TrainResult {
  seconds: number;
  summary: Text;
}

/**
 * Trains like {@linkcode train}, showing a live progress bar and chart in the notebook.
 *
 * @param options the training options, and `title` for the chart
 * @returns the run, with a summary line to show
 */
export async function trainLive(
  network: Network,
  data: Examples,
  options: TrainOptions & { title: string },
): Promise<LiveResult> {
  const bar = new LiveOutput(), chart = new LiveOutput();
  const { title, ...trainOptions } = options;
  const history: EpochRecord[] = [], notes: string[] = [];
  const interrupt = kernelInterrupt();
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let result: TrainResult;
  try {
    result = await train(network, data, {
      ...trainOptions,
      signal: options.signal
        ? AbortSignal.any([options.signal, interrupt.signal])
        : interrupt.signal,
      onNotice: (line) => {
        notes.push(`note: ${line}`);
        trainOptions.onNotice?.(line);
      },
      // Awaited, so that every update is sent before the cell ends and lands under this cell.
      onProgress: async (progress) => {
        await bar.update(progressBar(progress, elapsed()));
        await trainOptions.onProgress?.(progress);
      },
      onEpoch: async (record, network) => {
        history.push(record);
        await chart.update(historyChart(history, { title, epochs: options.epochs }));
        await trainOptions.onEpoch?.(record, network);
      },
    });
  } finally {
    interrupt.dispose();
  }
  // The chart's last state again, now with a PNG, so that it shows in the notebook reopened.
  if (history.length) {
    await chart.update(historyChart(history, { title, epochs: options.epochs }), { final: true });
  }
  const seconds = elapsed(), epochs = result.history.length;
  const summary = new Text([
    `${epochs} epochs in ${formatDuration(seconds)} (${
      (seconds / Math.max(1, epochs)).toFixed(2)
    } s per epoch)`,
    result.stopped
      ? `stopped by the interrupt: the network keeps the model of epoch ${epochs}`
      : "completed",
    ...(result.bestEpoch && result.bestEpoch !== epochs
      ? [`early stopping: the network keeps epoch ${result.bestEpoch}, the best on validation`]
      : []),
    ...notes,
  ].join("\n"));
  return { ...result, seconds, summary };
}
