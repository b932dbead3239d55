// The drawing pad's own JavaScript, run by the page (see draw_digit.ts, which puts it in the
// output with MNIST's preprocessing and the page's forward pass). Everything happens in the page:
// as the strokes change, the drawing is preprocessed as MNIST's digits were, the network reads it,
// and the bars and the 28 × 28 preview are redrawn. No round trip to the kernel.

// deno-lint-ignore no-unused-vars
function mountDrawPad(root, model, options) {
  const pad = root.querySelector("canvas.pad");
  const seen = root.querySelector("canvas.seen");
  const bars = root.querySelector(".bars");
  const units = root.querySelector(".units");
  const verdict = root.querySelector(".verdict");
  const context = pad.getContext("2d", { willReadFrequently: true });
  const strokes = [];
  let drawing = null, pending = false;

  function paint() {
    context.fillStyle = "white";
    context.fillRect(0, 0, pad.width, pad.height);
    context.strokeStyle = "black";
    context.lineWidth = options.penWidth;
    context.lineCap = "round";
    context.lineJoin = "round";
    for (const stroke of strokes) {
      context.beginPath();
      context.moveTo(stroke[0][0], stroke[0][1]);
      // A single tap is a dot: a line to the same point draws the round cap.
      for (const [x, y] of stroke.length > 1 ? stroke.slice(1) : stroke) context.lineTo(x, y);
      context.stroke();
    }
  }

  function read() {
    pending = false;
    paint();
    const image = context.getImageData(0, 0, pad.width, pad.height);
    let steps = null;
    if (strokes.length) {
      try {
        steps = mnistStyle(greyFromRgba(image.data, pad.width, pad.height));
      } catch {
        steps = null; // a stroke of no ink (off the pad): nothing to read
      }
    }
    const preview = seen.getContext("2d");
    const shown = preview.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = steps ? Math.round(255 * steps.digit[i]) : 0;
      shown.data.set([v, v, v, 255], 4 * i);
    }
    preview.putImageData(shown, 0, 0);
    const result = steps ? pageCommitteeForward(model, steps.digit) : null;
    const p = result ? result.probabilities : new Float32Array(options.classNames.length);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    bars.innerHTML = options.classNames.map((name, c) =>
      `<div style="display:flex;align-items:center;gap:6px;height:20px">` +
      `<span style="width:${options.labelWidth}px;text-align:right">${escapeHtml(name)}</span>` +
      `<span style="display:inline-block;height:14px;width:${Math.round(200 * p[c])}px;` +
      `background:${result && c === best ? "#e8590c" : "#4c6ef5"}"></span>` +
      `<span style="opacity:0.7">${result ? (100 * p[c]).toFixed(1) + "%" : ""}</span></div>`
    ).join("");
    verdict.textContent = result
      ? `The network reads: ${options.classNames[best]} (${(100 * p[best]).toFixed(1)}%)`
      : "Draw a digit in the box.";
    root.dataset.predicted = result ? String(best) : "";
    root.dataset.strokes = String(strokes.length);
    if (units && options.showUnits) {
      const h = result ? result.firstHidden : new Float32Array(0);
      const order = [...h.keys()].sort((a, b) => h[b] - h[a]).slice(0, 8);
      units.innerHTML = result
        ? "<div>First-layer units that fire most:</div>" +
          order.map((u) =>
            `<div style="display:flex;align-items:center;gap:6px;height:18px">` +
            `<span style="width:64px;text-align:right">unit ${u}</span>` +
            `<span style="display:inline-block;height:12px;width:${
              Math.round(120 * Math.min(1, h[u] / (h[order[0]] || 1)))
            }px;background:#2b8a3e"></span>` +
            `<span style="opacity:0.7">${h[u].toFixed(2)}</span></div>`
          ).join("")
        : "";
    }
  }

  function later() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(read);
    }
  }

  function point(event) {
    const box = pad.getBoundingClientRect();
    return [
      (event.clientX - box.left) * (pad.width / box.width),
      (event.clientY - box.top) * (pad.height / box.height),
    ];
  }

  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    drawing = [point(event)];
    strokes.push(drawing);
    later();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    drawing.push(point(event));
    later();
  });
  for (const end of ["pointerup", "pointercancel"]) {
    pad.addEventListener(end, () => {
      drawing = null;
      later();
    });
  }
  root.querySelector("button.undo").addEventListener("click", () => {
    strokes.pop();
    later();
  });
  root.querySelector("button.clear").addEventListener("click", () => {
    strokes.length = 0;
    later();
  });
  read();
}
