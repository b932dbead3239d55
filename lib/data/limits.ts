/**
 * The limits on what comes from outside: pictures, model files, IDX files and networks. Each is
 * checked before its cost is paid (a file's size before it is read, a picture's pixels before it
 * is decoded, a network's parameters before they are allocated), and each error names the limit
 * and the environment variable that raises it.
 *
 * @module
 */

/** What a limit bounds, its default, and how an error writes its values. */
interface LimitSpec {
  /** The environment variable that raises (or lowers) it. */
  variable: string;
  value: number;
  unit: "bytes" | "count";
}

/** Every limit, with its default. */
export const LIMITS = {
  /** A picture file (PNG or JPEG), in bytes. */
  pictureBytes: { variable: "MNIST_MAX_PICTURE_BYTES", value: 64 * 2 ** 20, unit: "bytes" },
  /** A picture's pixels, read from its header before decoding: 40 megapixels. */
  picturePixels: { variable: "MNIST_MAX_PICTURE_PIXELS", value: 40_000_000, unit: "count" },
  /** A model file, in bytes: V8 cannot parse JSON texts of some hundreds of megabytes. */
  modelBytes: { variable: "MNIST_MAX_MODEL_BYTES", value: 128 * 2 ** 20, unit: "bytes" },
  /** An IDX file, raw or once inflated, in bytes (MNIST's largest is 47 MB). */
  idxBytes: { variable: "MNIST_MAX_IDX_BYTES", value: 512 * 2 ** 20, unit: "bytes" },
  /** A network's parameters (weights and biases). */
  parameters: { variable: "MNIST_MAX_PARAMETERS", value: 100_000_000, unit: "count" },
  /** The memory a network's training or classification is estimated to take, in bytes. */
  networkBytes: { variable: "MNIST_MAX_NETWORK_BYTES", value: 8 * 2 ** 30, unit: "bytes" },
} satisfies Record<string, LimitSpec>;

/** The name of a limit. */
export type LimitName = keyof typeof LIMITS;

/**
 * A limit's value: its environment variable's, when set to a positive number, or its default.
 *
 * @returns the limit
 */
export function limitOf(name: LimitName): number {
  const spec = LIMITS[name];
  let text: string | undefined;
  try {
    text = Deno.env.get(spec.variable);
  } catch {
    // No permission to read the environment: the default holds.
  }
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : spec.value;
}

/**
 * A size in words: "1.5 GiB", "640 KiB", "12 bytes" for bytes; "1,234,567" for counts.
 *
 * @returns the words
 */
export function formatAmount(value: number, unit: "bytes" | "count" = "bytes"): string {
  if (unit === "count") return Math.round(value).toLocaleString("en-US");
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let scaled = value, u = 0;
  while (scaled >= 1024 && u < units.length - 1) {
    scaled /= 1024;
    u++;
  }
  return u === 0 ? `${value} bytes` : `${scaled.toFixed(1)} ${units[u]}`;
}

/**
 * Words for a value past a limit: "1.5 GiB, more than the limit of 512.0 MiB (set
 * MNIST_MAX_IDX_BYTES to raise it)".
 *
 * @returns the words, to end an error message
 */
export function pastLimit(name: LimitName, found: number): string {
  const { unit, variable } = LIMITS[name];
  return `${formatAmount(found, unit)}, more than the limit of ${
    formatAmount(limitOf(name), unit)
  } (set ${variable} to raise it)`;
}
