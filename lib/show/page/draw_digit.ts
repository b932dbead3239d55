/**
 * Draw a digit in a notebook's output and watch the network read it. The output holds a drawing
 * pad, the 28 × 28 image the network sees, the ten probabilities as bars, and for an MLP the
 * first-layer units that fire most — all run by the page itself: MNIST's preprocessing
 * (`data/own_digit.ts`) and the network's forward pass (`page_model.ts`, with the weights in the
 * output) are put in the page as JavaScript, so nothing goes back to the kernel. Where the output
 * is not trusted (a notebook reopened from disk), its script does not run and the one line shown
 * says to run the cell again.
 *
 * @module
 */

import {
  borderLevel,
  centreByMass,
  cropToInk,
  greyFromRgba,
  inkOf,
  mnistStyle,
  resizeByArea,
} from "../../data/own_digit.ts";
import { isSequential, type Network } from "../../nn/network.ts";
import { escapeHtml, jsonInScript } from "../html.ts";
import { pageCommitteeForward, pageForward, pageModel } from "./page_model.ts";

const PAD_SCRIPT = Deno.readTextFileSync(new URL("./draw_pad.js", import.meta.url));

/** What the pad shows and how it draws. */
export interface DrawPadOptions {
  /** The classes' names, in order (default 0–9). */
  classNames?: readonly string[];
  /** The pen's width on the 280 × 280 pad (default 20, about two MNIST pixels). */
  penWidth?: number;
  /** A title above the pad. */
  title?: string;
}

/** A drawing pad bound to one network (or a committee); a notebook cell shows it by ending on it. */
export class DrawPad {
  /** The pad's HTML, script included. */
  readonly html: string;

  /** @param network the network, or a committee's members (the page averages them) */
  constructor(network: Network | Network[], options: DrawPadOptions = {}) {
    const members = Array.isArray(network) ? network : [network];
    const id = `mnist-draw-${crypto.randomUUID().slice(0, 8)}`;
    const classNames = options.classNames ?? [..."0123456789"];
    const settings = {
      classNames,
      penWidth: options.penWidth ?? 20,
      labelWidth: Math.max(12, 7 * Math.max(...classNames.map((n) => n.length))),
      // A committee has no one first layer to show.
      showUnits: members.length === 1 && !isSequential(members[0]),
    };
    const functions = [
      greyFromRgba,
      borderLevel,
      inkOf,
      cropToInk,
      resizeByArea,
      centreByMass,
      mnistStyle,
      pageForward,
      pageCommitteeForward,
      escapeHtml,
    ].map((f) => f.toString()).join("\n");
    const model = jsonInScript(members.map(pageModel));
    // Only the line asking to run the cell is in the output itself: the script adds the pad. A
    // notebook's untrusted output (reopened from disk) keeps the line and loses the script, and
    // its sanitizer would drop the styles that hide a pad, which would then show broken.
    const live =
      `<div class="live" style="display:flex;gap:18px;flex-wrap:wrap;align-items:flex-start">
  <div>
    <canvas class="pad" width="280" height="280" style="border:1px solid #999;touch-action:none;cursor:crosshair;background:white"></canvas>
    <div style="margin-top:4px"><button class="undo">Undo</button> <button class="clear">Clear</button></div>
  </div>
  <div>
    <div>What the network sees (28×28)</div>
    <canvas class="seen" width="28" height="28" style="width:140px;height:140px;image-rendering:pixelated;border:1px solid #999;background:black"></canvas>
    <div class="verdict" style="margin-top:6px;font-weight:bold"></div>
  </div>
  <div><div>Probabilities</div><div class="bars"></div></div>
  <div class="units"></div>
</div>`;
    const title = options.title
      ? `<div style="font-weight:bold;font-size:15px;margin-bottom:6px">${
        escapeHtml(options.title)
      }</div>`
      : "";
    this.html = `<div id="${id}" class="mnist-draw" style="font:13px sans-serif;max-width:880px">
<div class="untrusted" style="color:var(--jp-warn-color0,#a61e4d)">The drawing pad needs its script, which runs only in output made in this session: run this cell again to draw.</div>
</div>
<script>
(function () {
${functions}
${PAD_SCRIPT}
const root = document.getElementById(${jsonInScript(id)});
root.querySelector(".untrusted").remove();
root.insertAdjacentHTML("beforeend", ${jsonInScript(title + live)});
mountDrawPad(root, ${model}, ${jsonInScript(settings)});
})();
</script>`;
  }

  /** What Deno's Jupyter kernel shows when a cell ends on this value. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return {
      "text/html": this.html,
      "text/plain": "A drawing pad (run the cell in Jupyter to draw)",
    };
  }

  /** Writes the pad as a page of its own, which works opened as a file, offline. */
  async save(path: string): Promise<void> {
    await Deno.writeTextFile(
      path,
      `<!doctype html><html><head><meta charset="utf-8"><title>Draw a digit</title></head><body>${this.html}</body></html>`,
    );
  }
}

/**
 * A drawing pad for `network`: draw with the mouse, a pen or a finger; the page preprocesses the
 * drawing as MNIST's digits were and shows what the network reads.
 *
 * @returns the pad, which a notebook cell shows
 */
export function drawDigit(network: Network | Network[], options: DrawPadOptions = {}): DrawPad {
  return new DrawPad(network, options);
}
