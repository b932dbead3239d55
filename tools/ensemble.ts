/**
 * `deno task ensemble [--members N] [train options]`: trains a committee — N networks of one
 * preset, each with its own seed (the preset's, then the next ones) — into member-1/ … member-N/
 * of one folder, each exactly as `deno task train` would, then writes committee.json (which
 * `deno task classify --model` and `loadModel` read like a model) and committee-metrics.json:
 * every member's test accuracy and the committee's, whose probabilities are the mean of theirs.
 *
 * @module
 */

import { writeFileAtomic } from "../lib/data/files.ts";
import { claimFolder } from "../lib/data/folder_claim.ts";
import { classifyCommittee, MAX_MEMBERS, saveCommittee } from "../lib/eval/committee.ts";
import { classifyWithShifts } from "../lib/eval/test_time_augmentation.ts";
import { loadModel } from "../lib/eval/model_file.ts";
import { accuracy } from "../lib/eval/metrics.ts";
import { loadRunData } from "../lib/run/experiment.ts";
import { resolveSettings } from "../lib/run/presets.ts";
import { formatDuration } from "../lib/show/jupyter/live.ts";
import {
  type CommandIo,
  defaultFolder,
  main as train,
  parseArguments,
  UsageError,
} from "./train.ts";

export const USAGE = `Usage: deno task ensemble [--members N] [train options]

Trains N networks (default 3, at most ${MAX_MEMBERS}) of one preset, each with its own seed — the
preset's (or --seed's), then the next ones — into member-1/ … member-N/ of one folder (--out, or a
new one under data/runs/), each as deno task train would; then writes committee.json, a model that
averages its members' probabilities (deno task classify --model DIR/committee.json reads it), and
committee-metrics.json with every member's test accuracy and the committee's (with --shifted-test,
also with test-time augmentation: each member reads each test image and its copies shifted a pixel
each way, mirrored too when the members were trained with --mirror, all averaged).

Every option of deno task train applies to each member (see deno task train --help).`;

/** The --members value, and the train options without it and without --seed and --out. */
export function splitArguments(args: string[]): { members: number; rest: string[] } {
  let members = 3;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes("=") ? args[i].split(/=(.*)/s) : [args[i]];
    if (flag === "--members") {
      const text = inline ?? args[++i];
      members = Number(text);
      if (!Number.isInteger(members) || members < 1 || members > MAX_MEMBERS) {
        throw new UsageError(
          `Invalid value for --members: expected an integer from 1 to ${MAX_MEMBERS}, found "${text}"`,
        );
      }
    } else rest.push(args[i]);
  }
  return { members, rest };
}

/**
 * Runs the command line; returns the exit code (0 done, 1 failed, 2 usage error, or a member's
 * own code when its training did not finish).
 */
export async function main(args: string[], io: CommandIo = { log: console.log }): Promise<number> {
  let members: number, rest: string[], settings;
  let out: string | undefined, shiftedTest = false;
  try {
    ({ members, rest } = splitArguments(args));
    const parsed = parseArguments(rest);
    if (parsed.help) {
      io.log(USAGE);
      return 0;
    }
    settings = resolveSettings(parsed.preset, parsed.overrides);
    out = parsed.out;
    shiftedTest = parsed.shiftedTest;
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof RangeError)) throw error;
    io.log(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const folder = out ?? defaultFolder({ ...settings, preset: `${settings.preset}-ensemble` });
  await Deno.mkdir(folder, { recursive: true });
  const claim = await claimFolder(folder);
  try {
    const started = performance.now();
    const withoutSeedAndOut = rest.filter((arg, i) =>
      !/^--(seed|out)(=|$)/.test(arg) && !/^--(seed|out)$/.test(rest[i - 1] ?? "")
    );
    const paths: string[] = [];
    for (let k = 1; k <= members; k++) {
      const seed = (settings.seed + k - 1) % 2 ** 32;
      io.log(`member ${k} of ${members}, seed ${seed}:`);
      const code = await train(
        [...withoutSeedAndOut, "--seed", String(seed), "--out", `${folder}/member-${k}`],
        io,
      );
      if (code !== 0) return code;
      paths.push(`member-${k}/model.json`);
    }
    await saveCommittee(`${folder}/committee.json`, paths);
    // The committee on the test set, beside each member.
    const committee = await loadModel(`${folder}/committee.json`);
    const { test } = await loadRunData(committee.settings);
    const engine = { engine: settings.engine };
    const scoreOf = async (networks: typeof committee.committee) =>
      accuracy(await classifyCommittee(networks!, test.images, engine), test.labels);
    const each: number[] = [];
    for (const member of committee.committee!) each.push(await scoreOf([member]));
    const together = await scoreOf(committee.committee);
    const shifted = shiftedTest
      ? accuracy(
        await classifyWithShifts(committee.committee!, test.images, {
          ...engine,
          mirrored: committee.settings.mirror > 0,
        }),
        test.labels,
      )
      : undefined;
    const seconds = (performance.now() - started) / 1000;
    const percent = (a: number) => `${(100 * a).toFixed(2)}%`;
    io.log(
      `test accuracy: members ${each.map(percent).join(", ")} (mean ${
        percent(each.reduce((s, a) => s + a, 0) / each.length)
      }); the committee of ${members}: ${percent(together)}${
        shifted === undefined ? "" : ` (${percent(shifted)} with shifted copies)`
      }; ${formatDuration(seconds)} in all`,
    );
    await writeFileAtomic(
      `${folder}/committee-metrics.json`,
      JSON.stringify(
        {
          members: each,
          committee: together,
          committeeShifted: shifted,
          testImages: test.labels.length,
          seconds,
        },
        null,
        2,
      ) + "\n",
    );
    io.log(
      `wrote ${folder}/ (committee.json, committee-metrics.json, member-1/ … member-${members}/)`,
    );
    return 0;
  } finally {
    await claim.release();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
