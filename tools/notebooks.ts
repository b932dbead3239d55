/**
 * Runs notebooks headless the way a user's Jupyter does: through `jupyter nbconvert` with the Deno
 * kernel, in the notebook's own folder (so `../lib/mod.ts` resolves), with parameter overrides
 * injected after the cell tagged `parameters` (papermill's convention).
 *
 * @module
 */

import { commandSucceeds, pythonWith } from "./commands.ts";
import { jupyterCommand, venvPython } from "./jupyter_env.ts";

/** The parts of an .ipynb file this module reads and writes. */
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** One cell of a notebook. */
export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
  id?: string;
}

/** One output of a code cell. */
export interface Output {
  output_type: "stream" | "display_data" | "execute_result" | "error" | "update_display_data";
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  name?: string;
  text?: string | string[];
}

/** True when the Jupyter command line can execute notebooks here. */
export function jupyterAvailable(): Promise<boolean> {
  return commandSucceeds(jupyterCommand(), ["nbconvert", "--version"]);
}

/** How to get Jupyter, for messages where it is missing. */
export const INSTALL_JUPYTER =
  "run `deno task start --setup`, which installs the pinned JupyterLab 4 into .venv/ and registers " +
  "the Deno kernel";

/**
 * Inserts a cell of overrides after the cell tagged `parameters`. Values are written as `const`
 * declarations, which the Deno kernel allows to re-declare those of the parameters cell.
 *
 * @param notebook the notebook (not changed)
 * @param overrides parameter names and values, written as JSON literals
 * @param name the notebook's name, for the error message
 */
export function injectParameters(
  notebook: Notebook,
  overrides: Record<string, unknown>,
  name = "notebook",
): Notebook {
  const at = notebook.cells.findIndex((cell) => cell.metadata.tags?.includes("parameters"));
  if (at < 0) {
    throw new Error(
      `Cannot inject parameters into ${name}: expected a cell tagged "parameters", found none`,
    );
  }
  if (Object.keys(overrides).length === 0) return notebook;
  const source = Object.entries(overrides).map(([key, value]) =>
    `const ${key} = ${JSON.stringify(value)};`
  );
  const injected: Cell = {
    cell_type: "code",
    source: [
      "// Parameters injected for this run\n",
      ...source.map((line, i) => i < source.length - 1 ? `${line}\n` : line),
    ],
    metadata: { tags: ["injected-parameters"] },
    outputs: [],
    execution_count: null,
    id: "injected-parameters",
  };
  return {
    ...notebook,
    cells: [...notebook.cells.slice(0, at + 1), injected, ...notebook.cells.slice(at + 1)],
  };
}

let pythonWithNbclient: Promise<string> | undefined;

/** A Python that has nbclient: the project environment's, else `python3` or Debian's `/usr/bin/python3`. */
export function findPython(): Promise<string> {
  const local = venvPython();
  pythonWithNbclient ??= (local ? Promise.resolve(local) : pythonWith(["nbclient", "nbformat"]))
    .then((python) => {
      if (python) return python;
      throw new Error(
        `Cannot execute notebooks: no Python with nbclient was found; ${INSTALL_JUPYTER}`,
      );
    });
  return pythonWithNbclient;
}

async function pipeThrough(
  command: string,
  args: string[],
  input: string,
  cwd: string,
): Promise<string> {
  const child = new Deno.Command(command, {
    args,
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) {
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}:\n${new TextDecoder().decode(stderr)}`,
    );
  }
  return new TextDecoder().decode(stdout);
}

const RUNNER = decodeURIComponent(new URL("./execute_notebook.py", import.meta.url).pathname);

/**
 * Executes a notebook with the Deno kernel and returns the executed copy. Errors in cells do not
 * stop the run: they are left in the outputs for the caller to find.
 *
 * @param path the .ipynb file
 * @param options parameter `overrides` and a per-cell `timeoutSeconds` (default 900)
 */
export async function executeNotebook(
  path: string,
  options: { overrides?: Record<string, unknown>; timeoutSeconds?: number } = {},
): Promise<Notebook> {
  const notebook = JSON.parse(await Deno.readTextFile(path)) as Notebook;
  const injected = injectParameters(notebook, options.overrides ?? {}, path);
  const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const executed = await pipeThrough(
    await findPython(),
    [RUNNER, "--timeout", String(options.timeoutSeconds ?? 900)],
    JSON.stringify(injected),
    folder,
  );
  return JSON.parse(executed) as Notebook;
}

/**
 * The notebook as a standalone HTML page (`jupyter nbconvert --to html`). nbconvert 6.5 sanitizes
 * inline SVG outputs down to bare text, so each SVG figure goes in as an image of itself instead.
 */
export function renderHtml(notebook: Notebook, folder = "."): Promise<string> {
  const cells = notebook.cells.map((cell) => ({
    ...cell,
    outputs: cell.outputs?.map((output) => {
      const svg = output.data?.["image/svg+xml"];
      if (svg === undefined) return output;
      const text = Array.isArray(svg) ? svg.join("") : String(svg);
      const alt = String(output.data?.["text/plain"] ?? "figure").replace(/"/g, "&quot;");
      const source = new TextEncoder().encode(text).toBase64();
      const { "image/svg+xml": _, ...rest } = output.data!;
      const html = `<img src="data:image/svg+xml;base64,${source}" alt="${alt}">`;
      return { ...output, data: { ...rest, "text/html": html } };
    }),
  }));
  return pipeThrough(
    jupyterCommand(),
    ["nbconvert", "--to", "html", "--stdin", "--stdout"],
    JSON.stringify({ ...notebook, cells }),
    folder,
  );
}

/** Every error output, as "cell N: name: message". */
export function errorOutputs(notebook: Notebook): string[] {
  const errors: string[] = [];
  notebook.cells.forEach((cell, i) => {
    for (const output of cell.outputs ?? []) {
      if (output.output_type === "error") {
        errors.push(`cell ${i}: ${output.ename}: ${output.evalue}`);
      }
    }
  });
  return errors;
}

/** How many outputs hold a figure (an SVG or PNG image). */
export function figureCount(notebook: Notebook): number {
  return notebook.cells.flatMap((cell) => cell.outputs ?? [])
    .filter((output) =>
      output.data && ("image/svg+xml" in output.data || "image/png" in output.data)
    ).length;
}

/** How many outputs hold a table (an HTML table). */
export function tableCount(notebook: Notebook): number {
  return notebook.cells.flatMap((cell) => cell.outputs ?? [])
    .filter((output) => String(output.data?.["text/html"] ?? "").includes("<table")).length;
}

/** The notebooks of `folder`, in step order. */
export async function listNotebooks(folder: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (entry.isFile && /^\d\d[a-z]?-.*\.ipynb$/.test(entry.name)) names.push(entry.name);
  }
  return names.sort().map((name) => `${folder}/${name}`);
}
