/**
 * `deno task start`: registers the Deno kernel with Jupyter if it is not registered, then starts
 * JupyterLab — or the classic Notebook when JupyterLab is not installed — rooted at the project,
 * opened on notebooks/, so that data/ (saved figures, models) and the README are one click away.
 */
import { exists } from "../lib/data/files.ts";
import { INSTALL_JUPYTER } from "./notebooks.ts";
import { commandSucceeds } from "./commands.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

async function kernelRegistered(): Promise<boolean> {
  const output = await new Deno.Command("jupyter", {
    args: ["--paths", "--json"],
    stdout: "piped",
    stderr: "null",
  })
    .output();
  const paths = JSON.parse(new TextDecoder().decode(output.stdout)) as { data: string[] };
  for (const folder of paths.data) {
    if (await exists(`${folder}/kernels/deno/kernel.json`)) return true;
  }
  return false;
}

if (!(await commandSucceeds("jupyter", ["--version"]))) {
  console.error(`Cannot start: Jupyter is not installed; ${INSTALL_JUPYTER}.`);
  Deno.exit(1);
}
if (!(await kernelRegistered())) {
  console.log("Registering the Deno kernel with Jupyter (deno jupyter --install)…");
  const { success } = await new Deno.Command(Deno.execPath(), { args: ["jupyter", "--install"] })
    .spawn().status;
  if (!success) Deno.exit(1);
}
const app = (await commandSucceeds("jupyter", ["lab", "--version"])) ? "lab" : "notebook";
// The server's root is the project; the page it opens is the notebooks folder.
const args = app === "lab"
  ? [app, `--ServerApp.root_dir=${root}`, "--LabApp.default_url=/lab/tree/notebooks"]
  : [app, `--NotebookApp.notebook_dir=${root}`, "--NotebookApp.default_url=/tree/notebooks"];
args.push(...Deno.args);
// Jupyter refuses to run as root unless told; in a container that is often the only user.
if (Deno.uid() === 0 && !args.includes("--allow-root")) {
  console.log("Running as root: passing --allow-root to Jupyter.");
  args.push("--allow-root");
}
console.log(`Opening Jupyter ${app === "lab" ? "Lab" : "Notebook"} on notebooks/ …`);
const { code } = await new Deno.Command("jupyter", { args, cwd: root }).spawn()
  .status;
Deno.exit(code);
