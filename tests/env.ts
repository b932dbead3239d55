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
