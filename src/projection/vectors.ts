/** Checks shared by the projections. */

/** Projection input: one row per point, every row of the same length. */
export type Rows = readonly ArrayLike<number>[];

/**
 * Checks that there are at least `minRows` rows of equal, non-zero length
 * and finite values; returns the row length.
 *
 * @throws RangeError naming the first offending row.
 */
export function checkRows(rows: Rows, minRows: number): number {
  if (rows.length < minRows)
    throw new RangeError(
      `a projection needs at least ${minRows} points, got ${rows.length}`,
    );
  const dimension = rows[0]!.length;
  if (dimension === 0) throw new RangeError('points have no coordinates');
  rows.forEach((row, i) => {
    if (row.length !== dimension)
      throw new RangeError(
        `point ${i} has ${row.length} coordinates, expected ${dimension}`,
      );
    for (let k = 0; k < dimension; k++) {
      if (!Number.isFinite(row[k]))
        throw new RangeError(
          `point ${i} has a non-finite coordinate ${row[k]}`,
        );
    }
  });
  return dimension;
}
