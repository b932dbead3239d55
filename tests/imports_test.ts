/**
 * The shape of lib/'s imports: no file reaches itself through its imports (type imports, re-exports,
 * dynamic imports and workers included), and no folder imports a folder above it in
 * {@linkcode LAYERS}. lib/mod.ts, the public surface, may import everything.
 *
 * @module
 */

import { assertEquals } from "./assert.ts";

/**
 * lib/'s folders from the bottom up: a file may import its own folder and the folders before it,
 * never one after it.
 *
 * - nn: the maths (matrices, the loss, the network and its layers, optimizers); its leaf
 *   nn/network.ts holds the core types (Network, Parameter, Shape, Gradients).
 * - data: IDX files, data sets, preprocessing, augmentation (it fills the maths' matrices).
 * - engines: who does the arithmetic, over the maths' networks.
 * - train: the loop; it checks its own options and drives an engine through its interface, so it
 *   knows nothing of run settings or of the C kernels' layout (engines/kernel_layout.ts).
 * - run: settings (one schema for the CLI, notebook 06 and the model files), presets, experiments.
 * - export: safetensors and ONNX files of a saved model, and PyTorch's safetensors back in.
 * - eval: metrics, predictions, model files (which read safetensors files too).
 * - show: figures, tables, live output, the drawing pad (the only part that knows Jupyter).
 */
export const LAYERS = ["nn", "data", "engines", "train", "run", "export", "eval", "show"] as const;

const LIB = new URL("../lib/", import.meta.url);

/** Every .ts file under lib/, as paths relative to it ("nn/mlp.ts"). */
async function libFiles(folder = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(new URL(folder || ".", LIB))) {
    const path = folder + entry.name;
    if (entry.isDirectory) files.push(...await libFiles(`${path}/`));
    else if (entry.isFile && path.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/**
 * The relative specifiers a file's code names: `import … from`, `export … from`, `import "…"`,
 * `import("…")` and `new URL("….ts", import.meta.url)` (a worker); comments are skipped, so the
 * JSDoc examples do not count.
 */
export function relativeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const patterns = [
    /^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']/g,
    /new URL\(\s*["']([^"']+\.ts)["']\s*,\s*import\.meta\.url/g,
  ];
  const found = patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1]));
  return [...new Set(found.filter((specifier) => specifier.startsWith(".")))];
}

/** Each lib/ file's imports within lib/, as paths relative to it. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of await libFiles()) {
    const source = await Deno.readTextFile(new URL(file, LIB));
    const targets = relativeImports(source).map((specifier) =>
      new URL(specifier, new URL(file, LIB)).href
    ).filter((href) => href.startsWith(LIB.href)).map((href) => href.slice(LIB.href.length));
    graph.set(file, targets);
  }
  return graph;
}

/**
 * The cycles of a graph, each once, as the path that closes it ("a.ts → b.ts → a.ts"): one per
 * strongly connected component of more than one file (or a file that imports itself).
 */
export function importCycles(graph: Map<string, string[]>): string[] {
  // Tarjan's strongly connected components.
  let index = 0;
  const indices = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), components: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
        components.push(component);
      }
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  // Within each component, the shortest way back from its first file to itself.
  return components.map((component) => {
    const members = new Set(component), start = [...component].sort()[0];
    const previous = new Map<string, string>();
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      for (const next of graph.get(queue[i]) ?? []) {
        if (!members.has(next)) continue;
        if (next === start) {
          const path = [start];
          for (let at = queue[i]; at !== start; at = previous.get(at)!) path.unshift(at);
          path.unshift(start);
          return path.join(" → ");
        }
        if (!previous.has(next)) {
          previous.set(next, queue[i]);
          queue.push(next);
        }
      }
    }
    return component.join(" → ");
  }).sort();
}

/** The imports that go up the layers: "eval/x.ts → show/y.ts (eval imports show)". */
export function upwardImports(graph: Map<string, string[]>): string[] {
  const layer = (file: string) => {
    const folder = file.split("/")[0];
    return (LAYERS as readonly string[]).indexOf(folder);
  };
  const found: string[] = [];
  for (const [file, targets] of graph) {
    if (file === "mod.ts") continue;
    for (const target of targets) {
      if (layer(target) > layer(file)) {
        found.push(
          `${file} → ${target} (${file.split("/")[0]} imports ${target.split("/")[0]})`,
        );
      }
    }
  }
  return found.sort();
}

Deno.test("relativeImports() reads imports and re-exports, not comments", () => {
  const source = [
    "/**",
    ' * import { x } from "./example.ts";',
    " */",
    'import type { A } from "./a.ts";',
    "import {",
    "  b,",
    "  type C,",
    '} from "../b.ts";',
    'export { d } from "./d.ts";',
    'export * from "./e.ts";',
    'import "./f.ts";',
    'import { g } from "npm:g";',
    'const h = await import("./h.ts");',
    'new Worker(new URL("./i.ts", import.meta.url), { type: "module" });',
    'const j = new URL("./j.c", import.meta.url);',
    '// import { k } from "./k.ts";',
  ].join("\n");
  assertEquals(relativeImports(source), [
    "./a.ts",
    "../b.ts",
    "./d.ts",
    "./e.ts",
    "./f.ts",
    "./h.ts",
    "./i.ts",
  ]);
});

Deno.test("importCycles() names each cycle once", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts"]],
    ["c.ts", ["a.ts", "d.ts"]],
    ["d.ts", []],
    ["e.ts", ["e.ts"]],
  ]);
  assertEquals(importCycles(graph), ["a.ts → b.ts → c.ts → a.ts", "e.ts → e.ts"]);
});

Deno.test("lib/ has no import cycle, type imports included", async () => {
  assertEquals(importCycles(await importGraph()), []);
});

Deno.test("lib/'s folders import only their own and the ones below them", async () => {
  const graph = await importGraph();
  const folders = new Set(
    [...graph.keys()].filter((f) => f.includes("/")).map((f) => f.split("/")[0]),
  );
  assertEquals([...folders].filter((f) => !(LAYERS as readonly string[]).includes(f)), []);
  assertEquals(upwardImports(graph), []);
});

Deno.test("the loop's option check reaches neither run/ nor the C kernels' layout", async () => {
  const graph = await importGraph();
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const next of graph.get(file) ?? []) visit(next);
  };
  visit("train/options.ts");
  assertEquals(
    [...reached].filter((f) => f.startsWith("run/") || f === "engines/kernel_layout.ts"),
    [],
  );
  const direct = [...graph].filter(([file, targets]) =>
    file.startsWith("train/") && targets.includes("engines/kernel_layout.ts")
  );
  assertEquals(direct, []);
});
