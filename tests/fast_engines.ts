/**
 * What the tests of the fast engines share: which of them run here (native only where a C
 * compiler is, and always under CI=true, where .ci/run installs gcc), how far apart two networks'
 * parameters are, and training on one engine with no fallback.
 *
 * @module
 */
import {
  type EngineName,
  type Examples,
  type Network,
  train,
  type TrainOptions,
} from "../lib/mod.ts";
import { commandSucceeds } from "../tools/commands.ts";

const compiler = (await Promise.all(
  ["cc", "gcc", "clang"].map((c) => commandSucceeds(c, ["--version"])),
)).some(Boolean) || Deno.env.get("CI") === "true";

/** The fast engines to test here. */
export const FAST_ENGINES: EngineName[] = compiler ? ["wasm", "native"] : ["wasm"];

/** The largest |a − b| over every weight and bias of two networks of one shape. */
export function largestDifference(a: Network, b: Network): number {
  return Math.max(
    ...a.weights.map((w, l) =>
      w.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.weights[l].data[i])), 0)
    ),
    ...a.biases.map((bias, l) =>
      bias.reduce((m, v, i) => Math.max(m, Math.abs(v - b.biases[l][i])), 0)
    ),
  );
}

/**
 * Trains `network` in place on `engine` itself: a notice that the run fell back to another engine
 * fails the test, which is about that engine.
 */
export async function trainOn(
  engine: EngineName,
  network: Network,
  data: Examples,
  options: TrainOptions,
): Promise<void> {
  await train(network, data, {
    ...options,
    engine,
    onNotice: (notice) => {
      throw new Error(`unexpected fallback from ${engine}: ${notice}`);
    },
  });
}
