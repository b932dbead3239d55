/** Runs `body` with an environment variable set, then restores it: for tests of the limits. */
export async function withEnv(name: string, value: string, body: () => Promise<void> | void) {
  const before = Deno.env.get(name);
  Deno.env.set(name, value);
  try {
    await body();
  } finally {
    if (before === undefined) Deno.env.delete(name);
    else Deno.env.set(name, before);
  }
}

/**
 * The arguments of `deno run` for one of the project's tools, with the permissions its task asks
 * for (deno.json's "tools" set), so the tests prove that set is enough.
 */
export function toolArgs(tool: string, ...args: string[]): string[] {
  const here = (path: string) => decodeURIComponent(new URL(path, import.meta.url).pathname);
  return [
    "run",
    "-q",
    `--config=${here("../deno.json")}`,
    "-P=tools",
    here(`../tools/${tool}.ts`),
    ...args,
  ];
}
