/**
 * Classifying your own pictures of digits: MNIST's preprocessing (`data/own_digit.ts`), then the
 * network, on any engine.
 *
 * @module
 */

import { readImageFile } from "../data/image_file.ts";
import { type GreyImage, type MnistSteps, mnistStyle } from "../data/own_digit.ts";
import type { EngineName } from "../engines/engine.ts";
import { matrix } from "../nn/matrix.ts";
import { classifyCommittee } from "./committee.ts";
import type { Network } from "../nn/network.ts";

/** What the network made of one picture. */
export interface ImageVerdict {
  /** Every preprocessing step; `steps.digit` is what the network read. */
  steps: MnistSteps;
  /** One probability per class. */
  probabilities: Float32Array;
  predicted: number;
  /** The second most probable class. */
  runnerUp: number;
}

/**
 * Preprocesses a grey picture of one digit the way MNIST's were made and classifies it.
 *
 * @param network the network, or a committee's members (their probabilities averaged)
 * @param options `engine` (default: the best here)
 * @returns the steps, the probabilities, the prediction and the runner-up
 * @throws RangeError when the picture holds no ink
 */
export async function classifyImage(
  network: Network | Network[],
  image: GreyImage,
  options: { engine?: EngineName } = {},
): Promise<ImageVerdict> {
  const steps = mnistStyle(image);
  const members = Array.isArray(network) ? network : [network];
  const out = await classifyCommittee(members, matrix(1, 784, steps.digit), {
    engine: options.engine,
  });
  const probabilities = out.data.slice(0, out.cols);
  const order = [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]);
  return { steps, probabilities, predicted: order[0], runnerUp: order[1] };
}

/**
 * Reads a PNG or JPEG file and classifies the digit in it.
 *
 * @throws Error naming the file when it is missing, not an image, damaged or empty of ink
 */
export async function classifyImageFile(
  network: Network | Network[],
  path: string,
  options: { engine?: EngineName } = {},
): Promise<ImageVerdict> {
  const image = await readImageFile(path);
  try {
    return await classifyImage(network, image, options);
  } catch (error) {
    throw new Error(`Cannot classify '${path}': ${(error as Error).message}`);
  }
}
