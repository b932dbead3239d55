/**
 * Executes every notebook in notebooks/ headless through Jupyter with the Deno kernel, small, with
 * parameter overrides injected after each `parameters` cell, and fails on any error output or on a
 * notebook that shows fewer figures than it should.
 */
import { assert, assertEquals } from "./assert.ts";
import {
  errorOutputs,
  executeNotebook,
  figureCount,
  findPython,
  injectParameters,
  INSTALL_JUPYTER,
  jupyterAvailable,
  listNotebooks,
  type Notebook,
  renderHtml,
} from "../tools/notebooks.ts";
import { notebookPlans } from "./notebook_plans.ts";
import { saveCommittee } from "../lib/eval/committee.ts";
import { labRunsEveryNotebook } from "./jupyterlab/suite_runs.ts";

const folder = decodeURIComponent(new URL("../notebooks", import.meta.url).pathname);

/** Where the notebooks under test write: a temporary folder, never the user's data/. */
const scratch = await Deno.makeTempDir({ prefix: "notebook-test-" });
const cnnModel = (dataset: string) => `${scratch}/cnn-${dataset}.json`;
/** The data set whose runs of 10 and 12 the tests of 07 below read: always run here. */
const saved = "fashion-mnist";

/** Overrides that make each notebook run small, and the figures each must show at least. */
const plans = notebookPlans(scratch);

Deno.test("injectParameters() adds a cell of overrides right after the parameters cell", () => {
  const notebook: Notebook = {
    cells: [
      { cell_type: "markdown", source: "# T", metadata: {} },
      { cell_type: "code", source: "const seed = 695;", metadata: { tags: ["parameters"] } },
      { cell_type: "code", source: "seed", metadata: {} },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  const injected = injectParameters(notebook, { seed: 1, dataset: "fashion-mnist" });
  assertEquals(injected.cells.length, 4);
  assertEquals(injected.cells[2].metadata.tags, ["injected-parameters"]);
  assertEquals(
    (injected.cells[2].source as string[]).slice(1).join(""),
    'const seed = 1;\nconst dataset = "fashion-mnist";',
  );
});

const available = await jupyterAvailable();
const inCi = Deno.env.get("CI") === "true";

Deno.test({
  name: "renderHtml() keeps SVG figures whole, as images, where nbconvert would strip them",
  ignore: !available && !inCi,
  fn: async () => {
    assert(available, `Jupyter is required under CI=true: ${INSTALL_JUPYTER}`);
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>';
    const html = await renderHtml({
      cells: [{
        cell_type: "code",
        id: "figure",
        source: "figure",
        metadata: {},
        execution_count: 1,
        outputs: [{
          output_type: "execute_result",
          execution_count: 1,
          metadata: {},
          data: { "image/svg+xml": svg, "text/plain": "Figure: T" },
        }],
      }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    });
    // nbconvert 7 writes the attributes in its own order: find the image by its alt text.
    const tag = /<img [^>]*alt="Figure: T"[^>]*>/.exec(html)?.[0] ?? "";
    const image = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(tag);
    assert(image, "the figure is an image in the page");
    assertEquals(new TextDecoder().decode(Uint8Array.fromBase64(image[1])), svg);
  },
});
if (!available && !inCi) {
  console.warn(`Skipping the notebook tests: Jupyter is not installed; ${INSTALL_JUPYTER}.`);
}

const fashionInstalled = await Deno.stat("/usr/share/datasets/fashion-mnist").then(
  () => true,
  () => false,
);

/**
 * Each notebook's run, started at most once. A test starts its own and the next notebook's, unless
 * the next needs this one's files: two runs share the two cores while each test waits for its own.
 */
const runs = new Map<string, Promise<Notebook>>();
function startRun(path: string, dataset: string): Promise<Notebook> {
  const key = `${dataset}:${path}`;
  if (!runs.has(key)) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    const run = executeNotebook(path, { overrides: plans[name].overrides(dataset) });
    run.catch(() => {}); // awaited by its own test, which reports the failure
    runs.set(key, run);
  }
  return runs.get(key)!;
}

const notebookPaths = await listNotebooks(folder);
for (const dataset of ["mnist", "fashion-mnist"]) {
  for (const [index, path] of notebookPaths.entries()) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    const next = notebookPaths[index + 1];
    const nextName = next?.slice(next.lastIndexOf("/") + 1);
    // The JupyterLab suite runs each notebook headless on MNIST before it runs it in the browser.
    const inLab = dataset === "mnist" && labRunsEveryNotebook;
    Deno.test({
      name: `notebook ${name} runs top to bottom without errors on ${dataset}` +
        (inLab ? " (run by the JupyterLab suite)" : ""),
      ignore: inLab ||
        ((!available || (dataset === "fashion-mnist" && !fashionInstalled)) && !inCi),
      // The next notebook's run goes on after this test ends: its next test awaits it.
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        assert(available, `Jupyter is required under CI=true: ${INSTALL_JUPYTER}`);
        const plan = plans[name];
        assert(
          plan,
          `${name} has no plan in tests/notebooks_test.ts: add its small overrides and figure count`,
        );
        const executed = startRun(path, dataset);
        if (next && plans[nextName!] && !plans[nextName!].needs?.includes(name)) {
          startRun(next, dataset);
        }
        const done = await executed;
        assertEquals(errorOutputs(done), [], `${name} has error outputs`);
        const figures = figureCount(done);
        assert(
          figures >= plan.figures,
          `${name} showed ${figures} figures, expected at least ${plan.figures}`,
        );
      },
    });
  }
}

Deno.test({
  name: "notebook 07-evaluate.ipynb evaluates the CNN that notebook 10 saved, filters included",
  ignore: (!available || !fashionInstalled) && !inCi,
  fn: async () => {
    assert(available, `Jupyter is required under CI=true: ${INSTALL_JUPYTER}`);
    const executed = await executeNotebook(`${folder}/07-evaluate.ipynb`, {
      overrides: {
        modelPath: cnnModel(saved),
        figuresFolder: `${scratch}/figures-07-cnn`,
        examplesShown: 5,
      },
    });
    assertEquals(errorOutputs(executed), [], "07 on a CNN has error outputs");
    assert(figureCount(executed) >= 8, `07 on a CNN showed ${figureCount(executed)} figures`);
    const filters = await Deno.stat(`${scratch}/figures-07-cnn/first-layer-filters.png`);
    assert(filters.isFile, "07 drew the CNN's filters");
  },
});

Deno.test({
  name:
    "notebook 07-evaluate.ipynb evaluates a committee of a safetensors file (12's export) and a model file",
  ignore: (!available || !fashionInstalled) && !inCi,
  fn: async () => {
    assert(available, `Jupyter is required under CI=true: ${INSTALL_JUPYTER}`);
    // Two members: 12's export of notebook 10's CNN, brought back from safetensors, and the CNN's
    // own model file. One run covers both kinds of file and the committee.
    const committee = `${scratch}/committee-${saved}.json`;
    await saveCommittee(committee, [
      `${scratch}/exports-12-${saved}/project.safetensors`,
      cnnModel(saved),
    ]);
    const executed = await executeNotebook(`${folder}/07-evaluate.ipynb`, {
      overrides: {
        modelPath: committee,
        figuresFolder: `${scratch}/figures-07-committee`,
        examplesShown: 5,
      },
    });
    assertEquals(errorOutputs(executed), [], "07 on a committee has error outputs");
    // A file from outside has no training history: one figure fewer than a model file's.
    assert(figureCount(executed) >= 7, `07 on a committee showed ${figureCount(executed)} figures`);
    const text = JSON.stringify(executed.cells.map((c) => c.outputs ?? []));
    assert(text.includes("a committee of 2"), "07 says it evaluates a committee of 2");
  },
});

Deno.test({
  name: "the kernel's interrupt stops training and keeps the kernel and the completed epochs",
  ignore: !available && !inCi,
  fn: async () => {
    assert(available, `Jupyter is required under CI=true: ${INSTALL_JUPYTER}`);
    const { stdout, stderr, success } = await new Deno.Command(await findPython(), {
      args: [decodeURIComponent(new URL("./interrupt_kernel.py", import.meta.url).pathname)],
      cwd: folder,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(success, new TextDecoder().decode(stderr));
    const result = JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1)!);
    assertEquals(result.alive, true, "the kernel survived the interrupt");
    assert(String(result.stopped).includes("true"), `train() returned stopped: ${result.stopped}`);
    const after = JSON.parse(result.after[0]);
    assert(after.epochs >= 1 && after.epochs < 500, `completed ${after.epochs} of 500 epochs`);
    assertEquals(after.kept, true, "the network holds finite weights of its last completed epoch");
  },
});
