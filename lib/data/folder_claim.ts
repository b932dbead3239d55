/**
 * One run per folder: a run claims its output folder by creating a lock file in it, which only
 * one process can create (`createNew`), and releases it when done. Two runs started into one
 * folder at once cannot both write it: the second is refused at once, naming the lock file. A
 * lock left by a process that no longer exists (killed) is taken over.
 *
 * @module
 */

/** The lock file's name inside a claimed folder. */
export const LOCK_FILE = ".run.lock";

/** A claimed folder: `release()` removes the lock (and may be called more than once). */
export interface FolderClaim {
  release(): Promise<void>;
}

/**
 * Whether process `pid` is alive: signal 0 sends nothing and only asks whether the process exists
 * (it needs the run permission; /proc, which Deno opens only with every permission, is not read).
 * A process of another user, or a question not allowed, counts as alive.
 */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}

/**
 * Claims the existing folder `folder` for this process.
 *
 * @returns the claim, to release when the run is done
 * @throws Error naming the lock file when another live process holds the folder
 */
export async function claimFolder(folder: string): Promise<FolderClaim> {
  const lock = `${folder}/${LOCK_FILE}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(lock, `${Deno.pid}\n`, { createNew: true });
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await Deno.remove(lock).catch(() => {});
        },
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const holder = Number((await Deno.readTextFile(lock).catch(() => "")).trim());
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new Error(
        `Cannot write the run to '${folder}': another run (process ${holder}) is writing it; wait for it to end, or choose another folder (if no run is going, delete '${lock}')`,
      );
    }
    // Left by a process that has gone (or half-written): taken over.
    await Deno.remove(lock).catch(() => {});
  }
  throw new Error(`Cannot write the run to '${folder}': cannot create its lock file '${lock}'`);
}
