/**
 * A real Jupyter server for the browser suite: JupyterLab 4 (or Notebook 7) from the project's
 * environment, on a free port, rooted at the project, with its settings and workspaces in a
 * temporary folder so that a developer's own JupyterLab is never touched.
 *
 * @module
 */

import { jupyterCommand } from "../../tools/jupyter_env.ts";

/** A running server. */
export interface JupyterServer {
  /** The base address, with a trailing slash. */
  url: string;
  token: string;
  /** Stops the server and removes its temporary folder. */
  close(): Promise<void>;
}

const root = decodeURIComponent(new URL("../..", import.meta.url).pathname).replace(/\/$/, "");

function freePort(): number {
  const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Starts `jupyter lab` (or `jupyter notebook`, Notebook 7) and waits until it answers.
 *
 * @param app which front end
 */
export async function startServer(app: "lab" | "notebook" = "lab"): Promise<JupyterServer> {
  const home = await Deno.makeTempDir({ prefix: `jupyter-${app}-test-` });
  const settings = `${home}/settings`;
  // Every cell stays in the page (JupyterLab 4 detaches off-screen cells by default), so that
  // outputs can be counted and a whole notebook photographed.
  const tracker = `${settings}/@jupyterlab/notebook-extension`;
  await Deno.mkdir(tracker, { recursive: true });
  await Deno.writeTextFile(
    `${tracker}/tracker.jupyterlab-settings`,
    JSON.stringify({ windowingMode: "none" }),
  );
  // No "what's new" pop-up, no news fetched from the web (JupyterLab only: Notebook 7 has no
  // such plugin, and settings for a plugin it lacks make its page throw).
  if (app === "lab") {
    const news = `${settings}/@jupyterlab/apputils-extension`;
    await Deno.mkdir(news, { recursive: true });
    await Deno.writeTextFile(
      `${news}/notification.jupyterlab-settings`,
      JSON.stringify({ fetchNews: "false", checkForUpdates: false }),
    );
  }
  const port = freePort();
  const token = crypto.randomUUID().replaceAll("-", "");
  const appClass = app === "lab" ? "LabApp" : "JupyterNotebookApp";
  const child = new Deno.Command(jupyterCommand(), {
    args: [
      app,
      "--no-browser",
      `--port=${port}`,
      "--ServerApp.ip=127.0.0.1",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${root}`,
      "--ContentsManager.allow_hidden=True",
      `--${appClass}.expose_app_in_browser=True`,
      `--${appClass}.user_settings_dir=${settings}`,
      `--${appClass}.workspaces_dir=${home}/workspaces`,
      "--allow-root",
    ],
    env: {
      JUPYTER_CONFIG_DIR: `${home}/config`,
      JUPYTER_RUNTIME_DIR: `${home}/runtime`,
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log: string[] = [];
  (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      log.push(chunk);
      if (log.length > 400) log.shift();
    }
  })();
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`${url}api/status?token=${token}`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`jupyter ${app} did not answer within 60 s:\n${log.join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    token,
    close: async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await child.status;
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}
