/**
 * A committee: networks trained alike but from different seeds, which classify together by
 * averaging their probabilities. Their mistakes differ, so the average makes fewer than any one of
 * them (Cireşan et al. 2012 took 35 networks to 99.77% on MNIST; a few already help).
 *
 * A committee file is a small JSON that lists its members' model files, relative to itself:
 *
 *     { "format": "mnist-committee", "version": 1, "members": ["member-1/model.json", …] }
 *
 * `loadModel` reads one like a model file: its `network` is the first member, `committee` all of
 * them, and every member must fit the same images and classes.
 *
 * @module
 */

import { writeFileAtomic } from "../data/files.ts";
import type { EngineName } from "../engines/engine.ts";
import { type Matrix, matrix } from "../nn/matrix.ts";
import type { Network } from "../nn/network.ts";
import type { SavedModel } from "../run/experiment.ts";
import { predictions } from "./metrics.ts";
import { classify } from "./predict.ts";

/** What a committee file says it is. */
export const COMMITTEE_FORMAT = "mnist-committee";

/** The most members a committee file may list. */
export const MAX_MEMBERS = 100;

/** Whether parsed JSON claims to be a committee file. */
export function isCommitteeFile(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    (value as Record<string, unknown>).format === COMMITTEE_FORMAT;
}

/**
 * Writes a committee file listing `members` (paths relative to the committee file), atomically.
 *
 * @param path where the committee file goes
 * @param members each member's model file, relative to the committee file's folder
 */
export async function saveCommittee(path: string, members: string[]): Promise<void> {
  const file = { format: COMMITTEE_FORMAT, version: 1, members };
  await writeFileAtomic(path, JSON.stringify(file, null, 2) + "\n");
}

/**
 * Reads a committee file (already parsed) and loads each member with `load`.
 *
 * @param value the parsed JSON
 * @param path the committee file, for errors and to find the members
 * @param load how one member's file is read (`loadModel`)
 * @returns the first member's model, with every member in `committee`
 * @throws SyntaxError naming the file and what is wrong: the version, the list, a member that
 *   does not load, or members that do not fit together
 */
export async function readCommittee(
  value: unknown,
  path: string,
  load: (path: string) => Promise<SavedModel>,
): Promise<SavedModel> {
  const fail = (what: string): never => {
    throw new SyntaxError(`Cannot load committee '${path}': ${what}`);
  };
  const file = value as Record<string, unknown>;
  if (file.version !== 1) fail(`expected version 1, found ${JSON.stringify(file.version)}`);
  const members = file.members;
  if (
    !Array.isArray(members) || members.length === 0 || members.length > MAX_MEMBERS ||
    !members.every((m) => typeof m === "string" && m !== "")
  ) {
    fail(
      `expected "members" to list 1 to ${MAX_MEMBERS} model files, found ${
        JSON.stringify(members)?.slice(0, 80)
      }`,
    );
  }
  const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
  const loaded: SavedModel[] = [];
  for (const [i, member] of (members as string[]).entries()) {
    const where = member.startsWith("/") ? member : `${folder}${member}`;
    try {
      loaded.push(await load(where));
    } catch (error) {
      fail(`member ${i + 1} ('${member}'): ${(error as Error).message}`);
    }
  }
  const [first] = loaded;
  loaded.forEach((model, i) => {
    const a = first.network.sizes, b = model.network.sizes;
    if (
      a[0] !== b[0] || a.at(-1) !== b.at(-1) || model.settings.dataset !== first.settings.dataset
    ) {
      fail(
        `member ${i + 1} classifies ${b[0]} inputs into ${
          b.at(-1)
        } classes of ${model.settings.dataset}, member 1 ${a[0]} into ${
          a.at(-1)
        } of ${first.settings.dataset}: a committee's members must fit the same images and classes`,
      );
    }
  });
  return { ...first, committee: loaded.map((m) => m.network) };
}

/**
 * The committee's probabilities for every row of `images`: the mean of its members'.
 *
 * @param members the networks (one is a committee of one)
 * @param options `engine` and `threads`, as {@linkcode classify} takes them
 * @returns rows × classes probabilities
 * @example
 * ```ts
 * import { classifyCommittee, createNetwork, matrix } from "../mod.ts";
 * const members = [1, 2, 3].map((seed) => createNetwork({ seed }));
 * (await classifyCommittee(members, matrix(4, 784))).rows; // 4
 * ```
 */
export async function classifyCommittee(
  members: Network[],
  images: Matrix,
  options: { engine?: EngineName; threads?: number | "auto" } = {},
): Promise<Matrix> {
  if (members.length === 0) throw new RangeError("Cannot classify: the committee has no members");
  const each: Matrix[] = [];
  for (const member of members) each.push(await classify(member, images, options));
  return meanProbabilities(each);
}

/**
 * The mean of several members' probabilities for the same images: the committee's.
 *
 * @param probabilities one rows × classes matrix per member, all the same shape
 * @returns rows × classes
 * @example
 * ```ts
 * import { fromRows, meanProbabilities } from "../mod.ts";
 * meanProbabilities([fromRows([[1, 0]]), fromRows([[0.5, 0.5]])]).data; // [0.75, 0.25]
 * ```
 */
export function meanProbabilities(probabilities: Matrix[]): Matrix {
  const first = probabilities[0];
  if (!first) throw new RangeError("Cannot average: no member's probabilities were given");
  const mean = matrix(first.rows, first.cols);
  for (const [k, p] of probabilities.entries()) {
    if (p.rows !== first.rows || p.cols !== first.cols) {
      throw new RangeError(
        `Cannot average: member ${
          k + 1
        } gave ${p.rows}×${p.cols} probabilities, member 1 ${first.rows}×${first.cols}`,
      );
    }
    for (let i = 0; i < p.data.length; i++) mean.data[i] += p.data[i];
  }
  for (let i = 0; i < mean.data.length; i++) mean.data[i] /= probabilities.length;
  return mean;
}

/** How a committee voted on each image: every member's class, and the committee's. */
export interface CommitteeVotes {
  /** members[k][i]: member k's class for image i. */
  members: Uint8Array[];
  /** The class of the mean probabilities, image by image. */
  committee: Uint8Array;
  /** The mean probability the committee gives its class. */
  confidence: Float32Array;
}

/**
 * Each member's vote and the committee's, from the members' probabilities.
 *
 * @param probabilities one rows × classes matrix per member
 * @returns the votes
 */
export function committeeVotes(probabilities: Matrix[]): CommitteeVotes {
  const mean = predictions(meanProbabilities(probabilities));
  return {
    members: probabilities.map((p) => predictions(p).predicted),
    committee: mean.predicted,
    confidence: mean.confidence,
  };
}

/**
 * The images on which the members do not all vote alike: the most divided first (the most
 * different classes), then in order.
 *
 * @param votes from {@linkcode committeeVotes}
 * @returns the images' indices
 * @example
 * ```ts
 * import { disagreements } from "../mod.ts";
 * const votes = { members: [Uint8Array.of(1, 2, 3), Uint8Array.of(1, 5, 4), Uint8Array.of(1, 2, 7)] };
 * disagreements(votes); // [2, 1]: image 2 got three classes, image 1 two
 * ```
 */
export function disagreements(votes: Pick<CommitteeVotes, "members">): number[] {
  const rows = votes.members[0]?.length ?? 0;
  const kinds = Array.from(
    { length: rows },
    (_, i) => new Set(votes.members.map((m) => m[i])).size,
  );
  return kinds.map((_, i) => i).filter((i) => kinds[i] > 1).sort((a, b) =>
    kinds[b] - kinds[a] || a - b
  );
}
