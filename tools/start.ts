/**
 * `deno task start`: one command to a working JupyterLab. Finds JupyterLab 4 — the project's own
 * in `.venv/`, else one on the PATH — or, when there is none, installs the pinned JupyterLab 4
 * (`tools/jupyter-requirements.txt`) into `.venv/`; registers the Deno kernel; starts JupyterLab
 * rooted at the project, opened on notebooks/, and prints its address.
 *
 *   deno task start              JupyterLab 4
 *   deno task start --notebook   Notebook 7 (from the same environment)
 *   deno task start --classic    the classic Notebook 6 on the PATH (Debian's jupyter-notebook)
 *   deno task start --setup      install and register only, then exit (CI uses this)
 *
 * Any other argument goes to Jupyter (`--port=8890`, `--no-browser`, …).
 */
import { exists } from "../lib/data/files.ts";
import { commandSucceeds } from "./commands.ts";
import { ensureJupyterEnvironment, jupyterCommand, jupyterLabMajor, VENV } from "./jupyter_env.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const flags = new Set(["--notebook", "--classic", "--setup"]);
const wanted = Deno.args.filter((arg) => flags.has(arg));
const passOn = Deno.args.filter((arg) => !flags.has(arg));
if (wanted.filter((flag) => flag !== "--setup").length > 1) {
  console.error("deno task start: choose one of --notebook and --classic, not both");
  Deno.exit(2);
}

async function kernelRegistered(jupyter: string): Promise<boolean> {
  const output = await new Deno.Command(jupyter, {
    args: ["--paths", "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!output.success) return false;
  const paths = JSON.parse(new TextDecoder().decode(output.stdout)) as { data: string[] };
  for (const folder of paths.data) {
    if (await exists(`${folder}/kernels/deno/kernel.json`)) return true;
  }
  return false;
}

/** The Jupyter to use: JupyterLab 4 found or installed, or the classic Notebook when asked. */
async function findJupyter(): Promise<string> {
  if (wanted.includes("--classic")) {
    if (await commandSucceeds("jupyter", ["notebook", "--version"])) return "jupyter";
    console.error(
      "Cannot start the classic Notebook: none is on the PATH " +
        "(Debian or Ubuntu: apt-get install jupyter-notebook); `deno task start` alone installs JupyterLab 4",
    );
    Deno.exit(1);
  }
  const found = jupyterCommand();
  if (await exists(`${VENV}/bin/jupyter`)) {
    // The project's own environment: brought up to date when the pinned versions changed.
    return await ensureJupyterEnvironment();
  }
  if ((await jupyterLabMajor(found)) === 4) {
    console.log(`Using JupyterLab 4 from the PATH (${found}).`);
    return found;
  }
  console.log("No JupyterLab 4 found: installing the project's pinned one (once).");
  try {
    return await ensureJupyterEnvironment();
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}

const jupyter = await findJupyter();
if (!(await kernelRegistered(jupyter))) {
  console.log("Registering the Deno kernel with Jupyter (deno jupyter --install) …");
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["jupyter", "--install"],
  }).spawn().status;
  if (!success) Deno.exit(1);
}
if (wanted.includes("--setup")) {
  console.log(`Ready: ${jupyter} (JupyterLab ${await labVersion()}), with the Deno kernel.`);
  Deno.exit(0);
}

async function labVersion(): Promise<string> {
  const { stdout } = await new Deno.Command(jupyter, {
    args: ["lab", "--version"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(stdout).trim();
}

const app = wanted.includes("--notebook") || wanted.includes("--classic") ? "notebook" : "lab";
// The server's root is the project; the page it opens is the notebooks folder.
const args = wanted.includes("--classic")
  ? [app, `--NotebookApp.notebook_dir=${root}`, "--NotebookApp.default_url=/tree/notebooks"]
  : app === "lab"
  ? [app, `--ServerApp.root_dir=${root}`, "--LabApp.default_url=/lab/tree/notebooks"]
  : [app, `--ServerApp.root_dir=${root}`, "--JupyterNotebookApp.default_url=/tree/notebooks"];
args.push(...passOn);
// Jupyter refuses to run as root unless told; in a container that is often the only user.
if (Deno.uid() === 0 && !args.includes("--allow-root")) {
  console.log("Running as root: passing --allow-root to Jupyter.");
  args.push("--allow-root");
}
const name = wanted.includes("--classic")
  ? "the classic Notebook"
  : app === "lab"
  ? "JupyterLab"
  : "Notebook 7";
console.log(`Starting ${name} on notebooks/ (Ctrl-C stops it) …`);
// Jupyter prints its address with the login token; repeat it so it is the line a user sees.
const child = new Deno.Command(jupyter, { args, cwd: root, stderr: "piped" }).spawn();
let announced = false;
for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
  await Deno.stderr.write(new TextEncoder().encode(chunk));
  const address = /(http:\/\/(?:localhost|127\.0\.0\.1)[^\s]*)/.exec(chunk)?.[1];
  if (address && !announced) {
    announced = true;
    console.log(`\n${name} is at ${address}\n`);
  }
}
Deno.exit((await child.status).code);
