/**
 * `deno task check`'s formatting step. Deno 2.9.6's `deno fmt --check` reports every notebook with
 * a markdown cell as unformatted on a machine whose formatter cache has not seen it (a fresh CI
 * checkout), although `deno fmt` writes it back byte for byte. So the notebooks are checked the
 * way that cannot be fooled: format copies of them and compare the bytes. Everything else goes
 * through `deno fmt --check` as usual.
 */
const root = new URL("../", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const lineWidth = String(config.fmt?.lineWidth ?? 80);

async function deno(args: string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder();
  return { ok: result.success, output: text.decode(result.stdout) + text.decode(result.stderr) };
}

const rootPath = new URL(root).pathname;
// `--ignore` replaces the configuration's exclusions, so they are passed along with it.
const ignored = ["notebooks/", ...(config.fmt?.exclude ?? [])].join(",");
const rest = await deno(["fmt", "--check", `--ignore=${ignored}`], rootPath);
if (!rest.ok) {
  console.error(rest.output);
  Deno.exit(1);
}

const notebooks = [...Deno.readDirSync(new URL("notebooks/", root))]
  .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb"))
  .map((entry) => entry.name)
  .sort();
const scratch = await Deno.makeTempDir({ prefix: "check-format-" });
try {
  for (const name of notebooks) {
    await Deno.copyFile(new URL(`notebooks/${name}`, root), `${scratch}/${name}`);
  }
  const formatted = await deno(["fmt", "--no-config", `--line-width=${lineWidth}`, "."], scratch);
  if (!formatted.ok) {
    console.error(formatted.output);
    Deno.exit(1);
  }
  const unformatted = notebooks.filter((name) =>
    Deno.readTextFileSync(new URL(`notebooks/${name}`, root)) !==
      Deno.readTextFileSync(`${scratch}/${name}`)
  );
  if (unformatted.length > 0) {
    console.error(
      `Not formatted: ${unformatted.map((name) => `notebooks/${name}`).join(", ")}. ` +
        "Run `deno fmt` and commit the result.",
    );
    Deno.exit(1);
  }
  console.log(`Formatting checked: the notebooks (${notebooks.length}) and everything else.`);
} finally {
  await Deno.remove(scratch, { recursive: true });
}
