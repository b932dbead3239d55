/**
 * Small file helpers shared by the data cache and the model files: a SHA-256 digest and a write
 * that never leaves a half-written file behind.
 *
 * @module
 */

/**
 * The SHA-256 digest of `bytes` as lower-case hex.
 *
 * @returns 64 lower-case hex digits
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return new Uint8Array(digest).toHex();
}

/**
 * Writes `bytes` to `path` atomically: to a temporary file beside it, then a rename, so a reader
 * sees either the old file, or the whole new one, never a part. Creates the folder if needed.
 *
 * @returns once the file is complete under its final name
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const folder = dirname(path);
  await Deno.mkdir(folder, { recursive: true });
  const temporary = `${path}.${crypto.randomUUID().slice(0, 8)}.partial`;
  try {
    if (typeof bytes === "string") await Deno.writeTextFile(temporary, bytes);
    else await Deno.writeFile(temporary, bytes);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

/**
 * True when `path` exists (file or folder).
 *
 * @returns true when something is at `path`
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The folder part of a path ("." for a bare name).
 *
 * @returns everything before the last `/`
 */
export function dirname(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut < 0 ? "." : cut === 0 ? "/" : path.slice(0, cut);
}
