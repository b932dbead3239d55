/**
 * Reading a file from outside within a limit: only a regular file is opened (a FIFO would block,
 * `/dev/zero` would never end), its size is checked before a byte is read, and reading stops one
 * byte past the limit in case the file grows meanwhile.
 *
 * @module
 */

import { type LimitName, limitOf, pastLimit } from "./limits.ts";

/**
 * The bytes of the regular file at `path`, if it is no larger than the limit `limit`.
 *
 * @param lead how errors start (default "Cannot read 'PATH'")
 * @returns the file's bytes
 * @throws Error naming the file: missing, a folder, not a regular file, or past the limit
 */
export async function readCapped(
  path: string,
  limit: LimitName,
  lead = `Cannot read '${path}'`,
): Promise<Uint8Array> {
  const fail = (why: string): never => {
    throw new Error(`${lead}: ${why}`);
  };
  const info = await Deno.stat(path).catch((error: Error) =>
    error instanceof Deno.errors.NotFound ? fail("no such file") : fail(error.message)
  );
  if (info.isDirectory) fail("it is a folder");
  if (!info.isFile) fail("expected a regular file, found a device, a pipe or a socket");
  const most = limitOf(limit);
  if (info.size > most) fail(`it is ${pastLimit(limit, info.size)}`);
  using file = await Deno.open(path).catch((error: Error) => fail(error.message));
  const bytes = new Uint8Array(Math.min(info.size, most) + 1);
  let length = 0;
  while (length < bytes.length) {
    const read = await file.read(bytes.subarray(length));
    if (read === null) break;
    length += read;
  }
  if (length > most) fail(`it grew while being read, past ${pastLimit(limit, length)}`);
  if (length > info.size) fail(`it grew while being read, from ${info.size} bytes`);
  return bytes.subarray(0, length);
}
