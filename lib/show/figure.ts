/**
 * Observable Plot figures outside a browser: Plot draws into a linkedom document, and the result is
 * flattened into one standalone SVG (title, legends and chart stacked) that a notebook cell shows
 * inline and that can be saved to a file.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { writeFileAtomic } from "../data/files.ts";

/** The part of a DOM element that flattening a figure reads (linkedom implements it). */
interface PlotElement {
  tagName: string;
  children: ArrayLike<PlotElement>;
  outerHTML: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

/** The linkedom document every figure is drawn into. */
// linkedom types its window as the global one, which has no `document` under Deno's types.
export const document: Plot.PlotOptions["document"] =
  (parseHTML("<!DOCTYPE html><html><body></body></html>") as unknown as {
    document: Plot.PlotOptions["document"];
  }).document;

const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/**
 * The widest a figure may be, in CSS pixels: what a notebook's output area shows without a scroll
 * bar — 848 px in JupyterLab 4 in a 1280-pixel window with the file browser open (measured by the
 * JupyterLab suite), which draws a figure at its own size and never scales it down. Plots are
 * drawn no wider, {@linkcode combine} wraps to stay within it, and anything still wider (a very
 * long title) is scaled down to it.
 */
export const MAX_WIDTH = 840;

/** A finished figure: shows itself in Jupyter, and saves itself as SVG. */
export class Figure {
  /**
   * @param svg a standalone SVG document
   * @param title the figure's title (also its plain-text form)
   */
  constructor(readonly svg: string, readonly title: string) {}

  /** Width and height in CSS pixels, as written in the SVG. */
  get size(): { width: number; height: number } {
    const width = Number(/width="([\d.]+)"/.exec(this.svg)?.[1] ?? 0);
    const height = Number(/height="([\d.]+)"/.exec(this.svg)?.[1] ?? 0);
    return { width, height };
  }

  /**
   * Writes the figure to `path` atomically (creating folders) and returns the path: as PNG (at
   * twice the size, for sharp text) when the path ends in `.png`, otherwise as SVG.
   */
  async save(path: string): Promise<string> {
    await writeFileAtomic(path, path.endsWith(".png") ? await rasterize(this.svg) : this.svg);
    return path;
  }

  /** What Deno's Jupyter kernel shows when a cell ends on this figure: the SVG alone. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "image/svg+xml": this.svg, "text/plain": `Figure: ${this.title}` };
  }

  /**
   * The whole output bundle that {@linkcode show} sends: the SVG, and a PNG of it at twice the
   * size (drawn at the SVG's size, so it stays sharp). JupyterLab shows SVG only in trusted
   * output; a notebook opened again from disk, or executed headless, is untrusted, and there the
   * PNG is shown instead. GitHub shows the PNG too.
   */
  async bundle(): Promise<{ data: Record<string, string>; metadata: Record<string, unknown> }> {
    const { width, height } = this.size;
    const png = (await rasterize(this.svg)).toBase64();
    return {
      data: { "image/svg+xml": this.svg, "image/png": png, "text/plain": `Figure: ${this.title}` },
      metadata: { "image/png": { width, height } },
    };
  }
}

/** DejaVu Sans, where the system has it (Debian's fonts-dejavu-core): loading two files is faster than every system font. */
const DEJAVU = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((name) =>
  `/usr/share/fonts/truetype/dejavu/${name}`
);
const fontFiles = DEJAVU.every((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  })
  ? DEJAVU
  : undefined;

/** Renders SVG to PNG with resvg (loaded on first use, so figures that are never rasterised cost nothing). */
async function rasterize(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: fontFiles
      ? { loadSystemFonts: false, fontFiles, defaultFontFamily: "DejaVu Sans" }
      : { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}

/**
 * A function that saves each figure it is given as `<folder>/<name>.svg` and `.png`, and returns
 * the figure, so that a notebook cell can save and show in one line.
 *
 * @returns the saving function
 * @example
 * ```ts
 * import { figureSaver, plot } from "../mod.ts";
 * import * as Plot from "@observablehq/plot";
 * const keep = figureSaver(await Deno.makeTempDir());
 * await keep("squares", plot({ title: "Squares", marks: [Plot.line([1, 4, 9])] })); // shown, and saved
 * ```
 */
export function figureSaver(folder: string): (name: string, figure: Figure) => Promise<Figure> {
  return async (name, figure) => {
    await figure.save(`${folder}/${name}.svg`);
    await figure.save(`${folder}/${name}.png`);
    return figure;
  };
}

/** Plot options with a required title: every figure of this project has one. */
export type PlotOptions = Plot.PlotOptions & { title: string };

/**
 * Draws an Observable Plot chart and returns it as a {@linkcode Figure}.
 *
 * @param options Plot's options; `title` is required
 * @returns the figure, which a notebook shows inline and `save` writes as SVG or PNG
 * @example
 * ```ts
 * import { plot } from "./figure.ts";
 * import * as Plot from "@observablehq/plot";
 * const figure = plot({ title: "Squares", marks: [Plot.line([1, 4, 9])] });
 * await figure.save(`${await Deno.makeTempDir()}/squares.svg`);
 * ```
 */
export function plot(options: PlotOptions): Figure {
  if (!options.title) throw new TypeError("Cannot draw a figure: expected a title, found none");
  const element = Plot.plot({
    style: { fontFamily: FONT, fontSize: "11px", background: "white" },
    ...options,
    // Plot lays marks out to the width it is given, so capping it keeps the figure sharp.
    width: Math.min(options.width ?? 640, MAX_WIDTH),
    document,
  }) as unknown as PlotElement;
  return new Figure(standaloneSvg(element, options.title), options.title);
}

/**
 * Places several figures side by side (or in a grid of `columns`), under a title when one is given
 * (without one, the parts' own titles stand). A row that would grow wider than `maxWidth` (default
 * {@linkcode MAX_WIDTH}) wraps, so the result fits a notebook's output.
 * @returns one figure holding the others
 */
export function combine(
  figures: Figure[],
  options: { title?: string; columns?: number; gap?: number; maxWidth?: number } = {},
): Figure {
  const columns = options.columns ?? figures.length;
  const gap = options.gap ?? 12;
  const maxWidth = options.maxWidth ?? MAX_WIDTH;
  const parts: string[] = [];
  let y = options.title ? 34 : 0, x = 0, rowHeight = 0, width = 0, inRow = 0;
  figures.forEach((figure) => {
    const { width: w, height: h } = figure.size;
    if (inRow > 0 && (inRow === columns || x + w > maxWidth)) {
      y += rowHeight + gap;
      x = 0;
      rowHeight = 0;
      inRow = 0;
    }
    inRow++;
    parts.push(nest(figure.svg, x, y));
    x += w + gap;
    width = Math.max(width, x - gap);
    rowHeight = Math.max(rowHeight, h);
  });
  const height = y + rowHeight;
  if (options.title) width = Math.max(width, titleWidth(options.title));
  const title = options.title ?? figures.map((f) => f.title).join(" | ");
  const heading = options.title ? titleText(options.title) : "";
  return new Figure(svgDocument(width, height, heading + parts.join("")), title);
}

function standaloneSvg(element: PlotElement, title: string): string {
  const svgs: { markup: string; width: number; height: number }[] = [];
  let subtitle = "", caption = "";
  const children = element.tagName.toLowerCase() === "svg"
    ? [element]
    : Array.from(element.children);
  for (const child of children) {
    const tag = child.tagName.toLowerCase();
    if (tag === "svg") {
      svgs.push({
        markup: child.outerHTML,
        width: Number(child.getAttribute("width") ?? 640),
        height: Number(child.getAttribute("height") ?? 400),
      });
    } else if (tag === "h3") subtitle = child.textContent ?? "";
    else if (tag === "figcaption") caption = child.textContent ?? "";
  }
  let y = 34;
  let body = titleText(title);
  if (subtitle) {
    body += `<text x="0" y="${y + 10}" font-size="13" fill="#555">${escapeXml(subtitle)}</text>`;
    y += 22;
  }
  let width = 0;
  for (const svg of svgs) {
    body += nest(svg.markup, 0, y);
    y += svg.height + 6;
    width = Math.max(width, svg.width);
  }
  if (caption) {
    body += `<text x="0" y="${y + 12}" font-size="12" fill="#555">${escapeXml(caption)}</text>`;
    y += 20;
  }
  width = Math.max(width, titleWidth(title), Math.ceil(subtitle.length * 6.8));
  return svgDocument(width, y, body);
}

/** A generous estimate of a title's width in pixels, so a narrow figure never clips its title. */
function titleWidth(title: string): number {
  return Math.ceil(title.length * 9.2) + 4;
}

function titleText(title: string): string {
  return `<text x="0" y="20" font-size="16" font-weight="600" fill="#111">${
    escapeXml(title)
  }</text>`;
}

function nest(svg: string, x: number, y: number): string {
  return `<g transform="translate(${x},${y})">${svg.replace(/^<\?xml[^>]*>/, "")}</g>`;
}

function svgDocument(width: number, height: number, body: string): string {
  // Wider than an output area (only a very long title gets here): drawn smaller, not cut off.
  const scale = Math.min(1, MAX_WIDTH / width);
  const [shownWidth, shownHeight] = [Math.round(width * scale), Math.round(height * scale)];
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${shownWidth}" height="${shownHeight}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="${FONT}"><rect width="100%" height="100%" fill="white"/>${body}</svg>`;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!,
  );
}
