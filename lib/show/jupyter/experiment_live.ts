/**
 * Several training runs in a notebook in one call: `trainVariants` with a progress bar over all
 * the runs and, optionally, a chart of their curves, both updating in place; the kernel's
 * interrupt button stops the run in progress and skips the rest.
 *
 * @module
 */

import type { Examples } from "../../data/preprocess.ts";
import {
  trainVariants,
  type Variant,
  type VariantOptions,
  type VariantRun,
} from "../../train/variants.ts";
import type { EpochRecord, Progress } from "../../train/records.ts";
import { Text } from "../display.ts";
import { type CurveKind, runsChart } from "../charts/runs.ts";
import { kernelInterrupt } from "./kernel.ts";
import { formatDuration, LiveOutput, progressBundle, timeLeft } from "./live.ts";

/** What `trainVariantsLive` returns: the runs, their time, and a summary a cell shows. */
export interface VariantsLiveResult {
  runs: VariantRun[];
  seconds: number;
  summary: Text;
}

/**
 * Where a set of runs is: run k of n, its epoch and batch, and the share done of all of them, as
 * HTML for notebooks and plain text for terminals.
 *
 * @param index the run in progress, from 0
 * @param runs how many runs there are
 * @param name the run's name
 * @param progress where that run is
 * @param elapsedSeconds time since the first run started
 * @returns a display bundle
 * @example
 * ```ts
 * import { variantsProgress } from "./experiment_live.ts";
 * const progress = { epoch: 1, epochs: 2, batch: 5, batches: 10, loss: 0.4 };
 * variantsProgress(1, 4, "adam η 0.001", progress, 3)["text/plain"].includes("run 2/4"); // true
 * ```
 */
export function variantsProgress(
  index: number,
  runs: number,
  name: string,
  progress: Progress,
  elapsedSeconds: number,
): Record<string, string> {
  const within = (progress.epoch - 1 + progress.batch / progress.batches) / progress.epochs;
  const done = (index + within) / runs;
  return progressBundle(
    done,
    `run ${index + 1}/${runs} (${name}) · epoch ${progress.epoch}/${progress.epochs}` +
      ` · loss ${progress.loss.toFixed(4)} · ${timeLeft(done, elapsedSeconds)}`,
  );
}

/**
 * Trains every variant like {@linkcode trainVariants}, showing a live progress bar over all the
 * runs and (unless `chart` is false) a live chart of their curves, redrawn at most once a second
 * and once more at the end.
 *
 * @param variants the ways to train
 * @param data the training rows
 * @param options the shared training options, the chart's `title`, `chart` (default true) and
 *   `runsChart`'s `heldOutName`, `loss` and `accuracy`
 * @returns the runs, the seconds they took, and a summary to show
 */
export async function trainVariantsLive(
  variants: Variant[],
  data: Examples,
  options: VariantOptions & {
    title: string;
    chart?: boolean;
    heldOutName?: string;
    loss?: CurveKind;
    accuracy?: CurveKind;
  },
): Promise<VariantsLiveResult> {
  const { title, chart: showChart = true, heldOutName, loss, accuracy, ...trainOptions } = options;
  const bar = new LiveOutput(), chart = new LiveOutput();
  const finished: VariantRun[] = [];
  let current: { name: string; index: number; history: EpochRecord[] } | undefined;
  let last: Progress | undefined;
  const notices = new Set<string>();
  const interrupt = kernelInterrupt();
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let lastDrawn = 0;
  const draw = async (force: boolean) => {
    if (!showChart || (!force && performance.now() - lastDrawn < 1000)) return;
    lastDrawn = performance.now();
    const runs = current ? [...finished, current] : finished;
    await chart.update(
      runsChart(runs, { title, epochs: options.epochs, heldOutName, loss, accuracy }),
      { final: force },
    );
  };
  let runs: VariantRun[];
  try {
    runs = await trainVariants(variants, data, {
      ...trainOptions,
      signal: options.signal
        ? AbortSignal.any([options.signal, interrupt.signal])
        : interrupt.signal,
      onNotice: (line) => {
        notices.add(current ? `${current.name}: ${line}` : line);
        trainOptions.onNotice?.(line);
      },
      onRunStart: async (variant, index) => {
        current = { name: variant.name, index, history: [] };
        await trainOptions.onRunStart?.(variant, index);
      },
      onProgress: async (progress) => {
        last = progress;
        if (current) {
          await bar.update(
            variantsProgress(current.index, variants.length, current.name, progress, elapsed()),
          );
        }
        await trainOptions.onProgress?.(progress);
      },
      onEpoch: async (record, network) => {
        current?.history.push(record);
        await draw(false);
        await trainOptions.onEpoch?.(record, network);
      },
      onRunEnd: async (run, index) => {
        finished.push(run);
        current = undefined;
        // A run that diverged or stopped ends early: the bar still moves on to the next run.
        if (last) {
          const end = { ...last, epoch: last.epochs, batch: last.batches };
          await bar.update(variantsProgress(index, variants.length, run.name, end, elapsed()));
        }
        await draw(false);
        await trainOptions.onRunEnd?.(run, index);
      },
    });
  } finally {
    interrupt.dispose();
  }
  await draw(true);
  const seconds = elapsed();
  const diverged = runs.filter((run) => run.diverged);
  const stopped = runs.some((run) => run.stopped) || runs.length < variants.length;
  const summary = new Text([
    `${runs.length} of ${variants.length} runs in ${formatDuration(seconds)}`,
    ...diverged.map((run) => `${run.name}: diverged in epoch ${run.history.length + 1}`),
    ...(stopped ? ["stopped by the interrupt: the runs not started were skipped"] : []),
    ...notices,
  ].join("\n"));
  return { runs, seconds, summary };
}
