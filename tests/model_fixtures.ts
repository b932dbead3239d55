/** Model files for the loader's tests: a small MLP's and a small CNN's, and a re-sealer. */
import {
  createNetwork,
  createSequential,
  resolveSettings,
  serializeModel,
  sha256Hex,
} from "../lib/mod.ts";

/** A model file's body, as JSON.parse gives it. */
// deno-lint-ignore no-explicit-any
export type Body = Record<string, any>;

/** Re-seals a model file body with a valid checksum, to test the checks after the checksum. */
export async function reseal(body: Body): Promise<string> {
  const { sha256: _, ...rest } = body;
  return JSON.stringify({
    ...rest,
    sha256: await sha256Hex(new TextEncoder().encode(JSON.stringify(rest))),
  });
}

/** The text of a 784-4-10 MLP's model file. */
export function mlpModelText(): Promise<string> {
  const network = createNetwork({ sizes: [784, 4, 10], seed: 2 });
  const settings = resolveSettings("assignment", { hiddenSizes: [4], epochs: 1 });
  const history = [{ epoch: 1, loss: 0.5, trainAccuracy: 0.9, learningRate: 0.1, seconds: 1 }];
  return serializeModel({ network, settings, history });
}

/** The text of a small CNN's model file. */
export function cnnModelText(): Promise<string> {
  const layers = "conv(2,3) relu maxpool(2) flatten";
  const network = createSequential({ layers, seed: 2 });
  const settings = resolveSettings("assignment", { layers, hiddenSizes: [], epochs: 1 });
  return serializeModel({ network, settings, history: [] });
}
