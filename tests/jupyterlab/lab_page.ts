/**
 * Driving JupyterLab 4 (and Notebook 7, which is built from it) in Debian's Chromium through
 * playwright-core, the way a user does: open a notebook, run JupyterLab's own commands (Restart
 * Kernel and Run All, Interrupt), switch themes, read what the page shows. The app object is the
 * one JupyterLab exposes with `expose_app_in_browser`.
 *
 * @module
 */

import { type Browser, chromium, type Page } from "../../tools/playwright.ts";
import type { JupyterServer } from "./server.ts";
import type { Notebook } from "../../tools/notebooks.ts";

export const CHROMIUM = "/usr/bin/chromium";

/** Debian's Chromium, headless, with nothing that reaches out to the web. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Errors the page logged, collected from the moment it opened. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  return errors;
}

/**
 * Opens `path` (relative to the server's root) and waits until its kernel is idle.
 *
 * @param app "lab" for JupyterLab, "notebook" for Notebook 7
 */
export async function openNotebook(
  page: Page,
  server: JupyterServer,
  path: string,
  app: "lab" | "notebook" = "lab",
): Promise<void> {
  const where = app === "lab" ? "lab/tree" : "notebooks";
  await page.goto(`${server.url}${where}/${path}?token=${server.token}`);
  await page.waitForFunction(
    (name) => {
      // deno-lint-ignore no-explicit-any
      const app = (globalThis as any).jupyterapp;
      const widget = app?.shell?.currentWidget;
      const kernel = widget?.sessionContext?.session?.kernel;
      return widget?.context?.path?.endsWith(name) && kernel?.status === "idle" &&
        widget.content?.widgets?.length > 0;
    },
    path.slice(path.lastIndexOf("/") + 1),
    { timeout: 120_000, polling: 250 },
  );
}

/** Runs one of JupyterLab's commands by id, as a menu item or a shortcut would. */
export async function command(page: Page, id: string, args: object = {}): Promise<void> {
  await page.evaluate(
    async ([id, args]) => {
      // deno-lint-ignore no-explicit-any
      await (globalThis as any).jupyterapp.commands.execute(id, args);
    },
    [id, args] as const,
  );
}

/**
 * Kernel → Restart Kernel and Run All Cells…, accepting the dialog, then waits until every code
 * cell has run and the kernel has been idle for `quietMs`.
 */
export async function restartAndRunAll(
  page: Page,
  options: { timeoutMs?: number; quietMs?: number } = {},
): Promise<void> {
  const started = page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    (globalThis as any).jupyterapp.commands.execute("notebook:restart-run-all")
  );
  await page.locator(".jp-Dialog .jp-mod-accept").click({ timeout: 30_000 });
  await started;
  await waitUntilRun(page, options);
}

/** Waits until no code cell is queued or running and the kernel has stayed idle for a while. */
export async function waitUntilRun(
  page: Page,
  options: { timeoutMs?: number; quietMs?: number } = {},
): Promise<void> {
  await page.waitForFunction(
    (quietMs) => {
      // deno-lint-ignore no-explicit-any
      const g = globalThis as any;
      const widget = g.jupyterapp.shell.currentWidget;
      const status = widget.sessionContext.session?.kernel?.status;
      const cells = widget.content.widgets.filter((cell: { model: { type: string } }) =>
        cell.model.type === "code"
      );
      const done = status === "idle" &&
        cells.every((cell: { model: { executionCount: number | null; executionState?: string } }) =>
          cell.model.executionCount !== null && cell.model.executionState !== "running"
        ) &&
        ![...widget.node.querySelectorAll(".jp-InputArea-prompt")].some((
          prompt: { textContent: string | null },
        ) => prompt.textContent?.includes("*"));
      if (!done) {
        g.__quietSince = undefined;
        return false;
      }
      g.__quietSince ??= Date.now();
      return Date.now() - g.__quietSince >= quietMs;
    },
    options.quietMs ?? 1500,
    { timeout: options.timeoutMs ?? 600_000, polling: 200 },
  );
}

/** The open notebook as JupyterLab holds it (its model, outputs included), in nbformat. */
export function notebookJson(page: Page): Promise<Notebook> {
  return page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    (globalThis as any).jupyterapp.shell.currentWidget.content.model.toJSON()
  );
}

/**
 * Each code cell's outputs in brief — "display_data image/png,image/svg+xml,text/plain",
 * "stream stdout" — with consecutive streams of one name merged, as every front end shows them.
 */
export function outputSignatures(notebook: Notebook): string[][] {
  return notebook.cells.filter((cell) => cell.cell_type === "code").map((cell) => {
    const signatures: string[] = [];
    for (const output of cell.outputs ?? []) {
      const signature = output.output_type === "stream"
        ? `stream ${output.name}`
        : output.output_type === "error"
        ? `error ${output.ename}`
        : `${output.output_type} ${Object.keys(output.data ?? {}).sort().join(",")}`;
      if (output.output_type === "stream" && signatures.at(-1) === signature) continue;
      signatures.push(signature);
    }
    return signatures;
  });
}

/** Switches JupyterLab's theme ("JupyterLab Light" or "JupyterLab Dark") and waits for it. */
export async function setTheme(page: Page, theme: "JupyterLab Light" | "JupyterLab Dark") {
  await command(page, "apputils:change-theme", { theme });
  const light = theme === "JupyterLab Light" ? "true" : "false";
  await page.waitForFunction(
    // deno-lint-ignore no-explicit-any
    (light) => (globalThis as any).document.body.dataset.jpThemeLight === light,
    light,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(500);
}

/** The notebook's scrolling area. */
const SCROLLER = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer";

/**
 * Photographs the whole open notebook at the window's width: the window is made as tall as the
 * notebook (up to `pieceHeight` at a time; a longer notebook is photographed in pieces, written
 * as `<path>-2.png`, …). Returns the files written.
 */
export async function screenshotNotebook(
  page: Page,
  path: string,
  pieceHeight = 12_000,
): Promise<string[]> {
  const viewport = page.viewportSize()!;
  const { scrollHeight, clientHeight } = await page.locator(SCROLLER).first().evaluate((
    element,
  ) => ({ scrollHeight: element.scrollHeight, clientHeight: element.clientHeight }));
  const chrome = viewport.height - clientHeight;
  const files: string[] = [];
  try {
    for (let top = 0, piece = 1; top < scrollHeight; top += pieceHeight, piece++) {
      const height = Math.min(pieceHeight, scrollHeight - top);
      await page.setViewportSize({ width: viewport.width, height: chrome + height });
      await page.locator(SCROLLER).first().evaluate((element, top) => {
        element.scrollTop = top;
      }, top);
      await page.waitForTimeout(300);
      const file = piece === 1 ? path : path.replace(/\.png$/, `-${piece}.png`);
      await page.screenshot({ path: file });
      files.push(file);
    }
  } finally {
    await page.setViewportSize(viewport);
  }
  return files;
}
