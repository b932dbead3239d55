/**
 * What only Deno's Jupyter kernel has: its output channel, and its interrupt button.
 *
 * @module
 */

/** The kernel's way of sending an output message. */
export type Broadcast = (type: string, content: Record<string, unknown>) => Promise<void>;

/**
 * The kernel's broadcast function, or undefined outside a kernel. Outside it, `Deno.jupyter`
 * exists but throws when read, so `"jupyter" in Deno` cannot tell.
 *
 * @returns the function, or undefined
 */
export function broadcaster(): Broadcast | undefined {
  try {
    return (Deno as unknown as { jupyter?: { broadcast?: Broadcast } }).jupyter?.broadcast;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the kernel has most likely sent what this cell has broadcast. Deno 2's kernel queues
 * each broadcast and a separate loop sends it, stamping it with the request that is current when
 * it is *sent* (`cli/js/jupyter_kernel.js`, `iopubDrainer`); once a cell ends, the next one's
 * request becomes current. There is no way to ask whether the queue is empty, so a cell that has
 * just shown something gives that loop a moment: 25 ms, and 1 ms more for every 20 kB sent
 * (the loop signs each message before it sends it). Under Run All this took misplaced outputs
 * from a few per pass of the notebooks to none in the JupyterLab suite's passes.
 *
 * @param bytes about how much was just broadcast
 */
export function settle(bytes = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 25 + Math.ceil(bytes / 20_000)));
}

/**
 * Whether this code runs inside Deno's Jupyter kernel.
 *
 * @returns true inside the kernel
 * @example
 * ```ts
 * import { inJupyterKernel } from "./kernel.ts";
 * inJupyterKernel(); // false under `deno test`
 * ```
 */
export function inJupyterKernel(): boolean {
  return broadcaster() !== undefined;
}

/**
 * An abort signal that the kernel's interrupt button (■) fires. Jupyter's interrupt sends SIGINT,
 * which would end Deno's kernel; while this listens, it stops the work instead. Outside a kernel
 * the signal never fires. Call `dispose` when the work is done.
 *
 * @returns the signal and a function that stops listening
 */
export function kernelInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  if (!inJupyterKernel()) return { signal: controller.signal, dispose: () => {} };
  const onInterrupt = () => controller.abort();
  Deno.addSignalListener("SIGINT", onInterrupt);
  return {
    signal: controller.signal,
    dispose: () => Deno.removeSignalListener("SIGINT", onInterrupt),
  };
}
