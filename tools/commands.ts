/**
 * Probing the machine for the programs the tools need: whether a command runs, and which Python
 * has the modules asked for.
 *
 * @module
 */

/** True when `command args…` runs and exits 0; false when it fails or is not installed. */
export async function commandSucceeds(command: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

/** The virtual environment bench/requirements.txt describes, where the README installs it. */
const BENCH_PYTHON = decodeURIComponent(
  new URL("../.venv-bench/bin/python", import.meta.url).pathname,
);

/**
 * The first of `$MNIST_PYTHON` (a virtual environment's python with PyTorch, say), the project's
 * `.venv-bench/` (the benchmark's pinned peers), `python3`, Debian's `/usr/bin/python3` and
 * `python` that can import every module in `modules`, or undefined. (A pyenv `python3` first on
 * the PATH often lacks Debian's packages.)
 */
export async function pythonWith(modules: string[]): Promise<string | undefined> {
  const chosen = Deno.env.get("MNIST_PYTHON");
  const candidates = [BENCH_PYTHON, "python3", "/usr/bin/python3", "python"];
  for (const python of [...(chosen ? [chosen] : []), ...candidates]) {
    if (await commandSucceeds(python, ["-c", `import ${modules.join(", ")}`])) return python;
  }
  return undefined;
}
