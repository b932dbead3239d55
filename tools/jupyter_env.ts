/**
 * Where this project's Jupyter lives. `deno task start` and CI install a pinned JupyterLab 4 and
 * Notebook 7 (with nbclient and nbconvert, which the headless runs use) into `.venv/` at the
 * project's root, from `tools/jupyter-requirements.txt`; every tool then runs Jupyter from there
 * first, and from the `PATH` only when there is no project environment.
 *
 * @module
 */

import { exists } from "../lib/data/files.ts";
import { commandSucceeds } from "./commands.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/** The project-local virtual environment (ignored by git). */
export const VENV = `${root}/.venv`;

/** The pinned requirements the environment is made from. */
export const REQUIREMENTS = `${root}/tools/jupyter-requirements.txt`;

/** The `jupyter` command: the project environment's when it has one, else the one on the PATH. */
export function jupyterCommand(): string {
  try {
    Deno.statSync(`${VENV}/bin/jupyter`);
    return `${VENV}/bin/jupyter`;
  } catch {
    return "jupyter";
  }
}

/** The project environment's Python, when the environment exists. */
export function venvPython(): string | undefined {
  try {
    Deno.statSync(`${VENV}/bin/python`);
    return `${VENV}/bin/python`;
  } catch {
    return undefined;
  }
}

/** The major version of `jupyter lab` here (4 for JupyterLab 4), or undefined without one. */
export async function jupyterLabMajor(jupyter = jupyterCommand()): Promise<number | undefined> {
  try {
    const { success, stdout } = await new Deno.Command(jupyter, {
      args: ["lab", "--version"],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!success) return undefined;
    return Number(new TextDecoder().decode(stdout).trim().split(".")[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** The first Python 3 that can make a virtual environment, or undefined. */
async function pythonForVenv(): Promise<string | undefined> {
  for (const python of ["python3", "/usr/bin/python3", "python"]) {
    if (
      await commandSucceeds(python, [
        "-c",
        "import venv, ensurepip, sys; assert sys.version_info >= (3, 9)",
      ])
    ) {
      return python;
    }
  }
  return undefined;
}

/**
 * Makes `.venv/` and installs the pinned JupyterLab into it (a minute or two the first time),
 * saying what it does and how long it took. Installs again only when the requirements changed
 * since the last install (a copy of them is kept in the environment).
 *
 * @param log where progress lines go
 * @returns the environment's `jupyter`
 */
export async function ensureJupyterEnvironment(
  log: (line: string) => void = console.log,
): Promise<string> {
  const wanted = await Deno.readTextFile(REQUIREMENTS);
  const installed = await Deno.readTextFile(`${VENV}/requirements.installed.txt`).catch(() => "");
  if (installed === wanted && (await exists(`${VENV}/bin/jupyter`))) return `${VENV}/bin/jupyter`;
  const started = performance.now();
  if (!(await exists(`${VENV}/bin/python`))) {
    const python = await pythonForVenv();
    if (!python) {
      throw new Error(
        "Cannot install JupyterLab: expected Python 3.9 or later with its venv module, found none " +
          "(on Debian or Ubuntu: apt-get install python3-venv)",
      );
    }
    log(`Making a virtual environment for Jupyter in .venv/ with ${python} …`);
    await run(python, ["-m", "venv", VENV]);
  }
  log(
    "Installing the pinned JupyterLab 4 and Notebook 7 into .venv/ (tools/jupyter-requirements.txt) …",
  );
  await run(`${VENV}/bin/python`, [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "-r",
    REQUIREMENTS,
  ]);
  await Deno.writeTextFile(`${VENV}/requirements.installed.txt`, wanted);
  log(`Installed in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  return `${VENV}/bin/jupyter`;
}

async function run(command: string, args: string[]): Promise<void> {
  const { success } = await new Deno.Command(command, { args }).spawn().status;
  if (!success) throw new Error(`Cannot install JupyterLab: ${command} ${args.join(" ")} failed`);
}
