/**
 * Whether the JupyterLab suite (tests/jupyterlab_test.ts) runs in this test run: it needs
 * JupyterLab 4 and Debian's Chromium, and under CI=true it always runs (and fails without them).
 * When it runs, it executes every notebook headless on MNIST first, to compare JupyterLab's
 * outputs with; notebooks_test.ts then leaves that run to it rather than doing it twice.
 *
 * @module
 */
import { jupyterLabMajor } from "../../tools/jupyter_env.ts";
import { CHROMIUM } from "./lab_page.ts";

export const inCi = Deno.env.get("CI") === "true";
export const labMajor = await jupyterLabMajor();
export const chromiumThere = await Deno.stat(CHROMIUM).then(() => true, () => false);

/** JupyterLab 4 and Chromium are both here. */
export const labReady = labMajor === 4 && chromiumThere;

/**
 * The suite runs every notebook (no `LAB_NOTEBOOKS` filter): then it is the one that executes
 * them headless on MNIST.
 */
export const labRunsEveryNotebook = (labReady || inCi) && !Deno.env.get("LAB_NOTEBOOKS");
