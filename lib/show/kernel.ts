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
