/**
 * Builds the kernels of `c/kernels.c` (which includes the other C files of `c/`) for the machine they run on: with the C compiler it has (`cc`,
 * `gcc` or `clang`, or `$CC`), its widest vector instructions (`-march=native`) and POSIX threads,
 * into a shared library cached under `data/native/` by a key of the source (every C file of `c/`),
 * the compiler and the processor. A later run finds the library and starts at once; a different source, compiler or
 * processor gets a build of its own, and a library that does not load is rebuilt, never used.
 *
 * @module
 */

import { sha256Hex } from "../data/files.ts";

/** Where the C source is (kernels.c, the file the compiler is given), and where builds are cached. */
const FOLDER = new URL("./c/", import.meta.url);
const SOURCE = new URL("./kernels.c", FOLDER);
const CACHE = decodeURIComponent(new URL("../../data/native", import.meta.url).pathname);

/** The compiler's flags: fast, for this processor, a shared library with threads. */
export const NATIVE_FLAGS = [
  "-O3",
  "-march=native",
  "-fno-math-errno",
  // Only the multiply-adds the kernels ask for are fused (madd in c/vectors.c): which others a
  // compiler fuses depends on the processor it tunes for, and would make results differ by machine.
  "-ffp-contract=off",
  "-fPIC",
  "-shared",
  "-pthread",
  "-std=gnu11",
];

/** A built library: where it is, and what built it. */
export interface NativeBuild {
  path: string;
  source: string;
  /** The compiler's first line of `--version`, shortened: "gcc 12.2.0". */
  compiler: string;
}

/** The first compiler that answers `--version`, and its version line. */
async function findCompiler(): Promise<{ command: string; version: string } | undefined> {
  const candidates = [Deno.env.get("CC"), "cc", "gcc", "clang"].filter((c): c is string => !!c);
  for (const command of candidates) {
    try {
      const { success, stdout } = await new Deno.Command(command, {
        args: ["--version"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (success) return { command, version: new TextDecoder().decode(stdout) };
    } catch {
      // Not installed: try the next.
    }
  }
  return undefined;
}

/** "gcc 12.2.0" from gcc's `--version` (also when called as cc), "clang 16.0.6" from clang's. */
function shortName(version: string): string {
  const first = version.split("\n")[0];
  const name = /clang/i.test(first)
    ? "clang"
    : /gcc|Free Software Foundation/i.test(version)
    ? "gcc"
    : first.split(" ")[0];
  const number = first.match(/(\d+\.\d+(\.\d+)?)\s*$/)?.[1] ??
    first.match(/\d+\.\d+(\.\d+)?/)?.[0];
  return number ? `${name} ${number}` : name;
}

/**
 * What identifies this processor's instruction set, as the build sees it: what the compiler makes
 * of `-march=native` (the target it names and every feature it turns on or off), from a dry run
 * (`-###`). Asked of the compiler rather than read from /proc/cpuinfo, which Deno opens only to a
 * program with every permission, so that the key is the same under the tasks' permission sets.
 */
async function processor(command: string): Promise<string> {
  const { stderr } = await new Deno.Command(command, {
    args: [...NATIVE_FLAGS, "-###", "-x", "c", "-c", "/dev/null", "-o", "/dev/null"],
    stdout: "null",
    stderr: "piped",
  }).output();
  // The quoted arguments of the compiler's own passes, less any path (temporary files differ).
  const words = new TextDecoder().decode(stderr).match(/"[^"]*"/g) ?? [];
  return `${Deno.build.os} ${Deno.build.arch} ${words.filter((w) => !w.includes("/")).join(" ")}`;
}

/** The C files of `c/` (kernels.c and every file it may include), sorted by name. */
async function cSources(): Promise<{ name: string; text: string }[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(FOLDER)) {
    if (entry.isFile && /\.[ch]$/.test(entry.name)) names.push(entry.name);
  }
  names.sort();
  return await Promise.all(
    names.map(async (name) => ({ name, text: await Deno.readTextFile(new URL(name, FOLDER)) })),
  );
}

/**
 * Builds the native kernels, or finds them built.
 *
 * @param rebuild build again even when a cached library exists (after one failed to load)
 * @returns the library's path, the source it was built from, and the compiler
 * @throws Error saying why there is no native build: no compiler, or the compile failed
 */
export async function buildNative(rebuild = false): Promise<NativeBuild> {
  // Every C file of the folder, by name: a change to any of them builds anew.
  const source = (await cSources()).map(({ name, text }) => `// ${name}\n${text}`).join("\n");
  const found = await findCompiler();
  if (!found) throw new Error("no C compiler found (tried $CC, cc, gcc and clang)");
  const key = (await sha256Hex(
    new TextEncoder().encode(
      [source, found.version, await processor(found.command), ...NATIVE_FLAGS].join("\n"),
    ),
  )).slice(0, 16);
  const suffix = Deno.build.os === "darwin" ? "dylib" : "so";
  const path = `${CACHE}/${key}/libmlp.${suffix}`;
  const build = { path, source, compiler: shortName(found.version) };
  if (!rebuild && await Deno.stat(path).then(() => true, () => false)) return build;
  await Deno.mkdir(`${CACHE}/${key}`, { recursive: true });
  // Compiled under another name and renamed, so that a build cut short is never found.
  const partial = `${path}.${crypto.randomUUID().slice(0, 8)}.partial`;
  const { success, stderr } = await new Deno.Command(found.command, {
    args: [...NATIVE_FLAGS, "-o", partial, decodeURIComponent(SOURCE.pathname)],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    await Deno.remove(partial).catch(() => {});
    const message = new TextDecoder().decode(stderr).split("\n").slice(0, 3).join(" ");
    throw new Error(`the compile failed (${build.compiler}: ${message})`);
  }
  await Deno.rename(partial, path);
  return build;
}
