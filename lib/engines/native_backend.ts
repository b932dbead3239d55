/**
 * The kernels built for this machine (`native_build.ts`), loaded with `Deno.dlopen`: the same C
 * as the WebAssembly build, with the processor's widest vectors and POSIX threads. Each network
 * gets one zeroed block of native memory, which the TypeScript side sees as an ArrayBuffer.
 *
 * @module
 */

import type { Backend, Kernels } from "./kernel_mlp.ts";
import { buildNative, type NativeBuild } from "./native_build.ts";
import { checkSameConstants, type KernelConstants, readConstants } from "./kernel_constants.ts";

/** The functions every build exports. */
const FUNCTIONS = {
  run_batch: { parameters: ["usize", "i32", "i32"], result: "void" },
  refresh_transposed: { parameters: ["usize"], result: "void" },
  stop_workers: { parameters: ["usize"], result: "void" },
  start_workers: { parameters: ["usize"], result: "usize" },
  join_workers: { parameters: ["usize", "usize"], result: "void" },
  arena_alloc: { parameters: ["i64"], result: "pointer" },
  arena_free: { parameters: ["pointer"], result: "void" },
  vector_lanes: { parameters: [], result: "i32" },
  pointer_size: { parameters: [], result: "i32" },
  constant_count: { parameters: [], result: "i32" },
  constant_name: { parameters: ["i32"], result: "pointer" },
  constant_value: { parameters: ["i32"], result: "i32" },
} as const;

/** The loaded library and what built it. */
export interface NativeLibrary {
  build: NativeBuild;
  // deno-lint-ignore no-explicit-any
  symbols: Record<string, (...args: any[]) => any>;
  /** Floats per vector: 16 with AVX-512, 8 with AVX, else 4. */
  lanes: number;
  /** Its shared numbers: the same as the WebAssembly build's, but for the header's layout. */
  constants: KernelConstants;
}

let loading: Promise<NativeLibrary> | undefined;

/**
 * Builds (or finds) and loads the native kernels, once per process. A cached library that fails
 * to load is rebuilt once.
 *
 * @returns the library
 * @throws Error saying why there is none (no compiler, a failed compile, no FFI permission)
 */
export function loadNative(): Promise<NativeLibrary> {
  if (loading) return loading;
  const load = (async (): Promise<NativeLibrary> => {
    const open = (build: NativeBuild) => {
      const library = Deno.dlopen(build.path, FUNCTIONS);
      // deno-lint-ignore no-explicit-any
      const symbols = library.symbols as unknown as Record<string, (...args: any[]) => any>;
      // The shared numbers, by name: the same as the embedded WebAssembly's, or no load.
      let constants: KernelConstants;
      try {
        constants = readConstants({
          count: () => symbols.constant_count(),
          name: (i) => Deno.UnsafePointerView.getCString(symbols.constant_name(i)),
          value: (i) => symbols.constant_value(i),
        }, "native");
        checkSameConstants(constants, "native");
      } catch (error) {
        library.close();
        throw error;
      }
      return { build, symbols, lanes: Number(symbols.vector_lanes()), constants };
    };
    const build = await buildNative();
    try {
      return open(build);
    } catch {
      return open(await buildNative(true));
    }
  })();
  loading = load;
  // A failure is not remembered: the next run tries again (a compiler may have been installed).
  load.catch(() => (loading = undefined));
  return load;
}

/**
 * A native backend on the loaded library.
 *
 * @returns the backend
 */
export function nativeBackend(library: NativeLibrary): Backend {
  const { symbols } = library;
  return {
    name: "native",
    kernels: symbols as unknown as Kernels,
    constants: library.constants,
    memory: () => ({
      name: "native",
      start: 64,
      pointerSize: Number(symbols.pointer_size()),
      workerStacks: false,
      reserve(bytes) {
        const block = symbols.arena_alloc(BigInt(bytes)) as Deno.PointerValue;
        if (!block) {
          throw new RangeError(`Cannot use the native engine: no memory for ${bytes} bytes`);
        }
        return {
          buffer: Deno.UnsafePointerView.getArrayBuffer(block, bytes),
          base: BigInt(Deno.UnsafePointer.value(block)),
        };
      },
    }),
    addressOf: (array) => BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(array))),
    startThreads(layout) {
      const net = layout.base + BigInt(layout.net);
      const handles = symbols.start_workers(net);
      return Promise.resolve(() => {
        symbols.stop_workers(net);
        symbols.join_workers(net, handles);
        symbols.arena_free(Deno.UnsafePointer.create(layout.base));
      });
    },
  };
}

/**
 * What the native build is, in words: "gcc 12.2.0, AVX-512".
 *
 * @returns the compiler and the vector width
 */
export function describeNative(library: NativeLibrary): string {
  const width = { 16: "AVX-512", 8: "AVX", 4: "128-bit vectors" }[library.lanes] ??
    `${library.lanes} lanes`;
  return `${library.build.compiler}, ${width}`;
}
