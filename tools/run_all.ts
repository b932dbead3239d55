/**
 * `deno task run-all`: executes every notebook in order, headless, and writes the executed copy
 * and an HTML rendering of each under data/reports/. Stops with a non-zero exit if a notebook
 * shows an error.
 */
import { writeFileAtomic } from "../lib/data/files.ts";
import {
  errorOutputs,
  executeNotebook,
  INSTALL_JUPYTER,
  jupyterAvailable,
  listNotebooks,
  renderHtml,
} from "./notebooks.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const reports = `${root}/data/reports`;

if (!(await jupyterAvailable())) {
  console.error(`Cannot run the notebooks: Jupyter is not installed; ${INSTALL_JUPYTER}.`);
  Deno.exit(1);
}

let failed = 0;
for (const path of await listNotebooks(`${root}/notebooks`)) {
  const name = path.slice(path.lastIndexOf("/") + 1, -".ipynb".length);
  const started = performance.now();
  const executed = await executeNotebook(path);
  await writeFileAtomic(`${reports}/${name}.ipynb`, JSON.stringify(executed, null, 1) + "\n");
  await writeFileAtomic(`${reports}/${name}.html`, await renderHtml(executed, `${root}/notebooks`));
  const errors = errorOutputs(executed);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${errors.length ? "✗" : "✓"} ${name} (${seconds} s) → data/reports/${name}.html`);
  for (const error of errors) console.log(`    ${error}`);
  if (errors.length) failed++;
}
if (failed) {
  console.error(`${failed} notebook(s) had errors`);
  Deno.exit(1);
}
