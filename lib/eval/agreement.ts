/**
 * Two networks' answers on the same images, side by side: on how many both are right, only one,
 * or neither. Where the two are right on different images, a vote (a committee) can beat both.
 *
 * @module
 */

/** The four counts of two networks' answers against the truth. */
export interface Agreement {
  bothRight: number;
  onlyFirstRight: number;
  onlySecondRight: number;
  bothWrong: number;
}

/**
 * Counts where two networks' predictions are right and wrong.
 *
 * @param truth the labels
 * @param first one network's predicted classes, one per label
 * @param second the other's
 * @returns the four counts, which add up to the number of labels
 * @throws RangeError when the three lists differ in length
 * @example
 * ```ts
 * agreement([0, 1, 2, 3], [0, 1, 0, 0], [0, 0, 2, 0]);
 * // { bothRight: 1, onlyFirstRight: 1, onlySecondRight: 1, bothWrong: 1 }
 * ```
 */
export function agreement(
  truth: ArrayLike<number>,
  first: ArrayLike<number>,
  second: ArrayLike<number>,
): Agreement {
  if (first.length !== truth.length || second.length !== truth.length) {
    throw new RangeError(
      `agreement(): expected one prediction per label (${truth.length}), found ${first.length} and ${second.length}`,
    );
  }
  const counts = { bothRight: 0, onlyFirstRight: 0, onlySecondRight: 0, bothWrong: 0 };
  for (let i = 0; i < truth.length; i++) {
    const a = first[i] === truth[i], b = second[i] === truth[i];
    if (a && b) counts.bothRight++;
    else if (a) counts.onlyFirstRight++;
    else if (b) counts.onlySecondRight++;
    else counts.bothWrong++;
  }
  return counts;
}

/**
 * The counts as a two-by-two table's rows: the first network down, the second across.
 *
 * @param names the two networks' names, as the rows and columns say them
 * @returns two rows, for `table()`
 */
export function agreementRows(
  counts: Agreement,
  names: [string, string],
): Record<string, string | number>[] {
  const [a, b] = names;
  return [
    {
      "test images": `${a} right`,
      [`${b} right`]: counts.bothRight,
      [`${b} wrong`]: counts.onlyFirstRight,
    },
    {
      "test images": `${a} wrong`,
      [`${b} right`]: counts.onlySecondRight,
      [`${b} wrong`]: counts.bothWrong,
    },
  ];
}
