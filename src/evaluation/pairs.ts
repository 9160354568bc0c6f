/**
 * Reader for pairs files in the LFW format. A matched pair is
 * `name<TAB>n1<TAB>n2`, a mismatched pair `name1<TAB>n1<TAB>name2<TAB>n2`. The
 * official View 2 file starts with a `folds<TAB>pairsPerFold` header line;
 * the View 1 files have none. Both forms are read.
 */
import { readFileSync } from 'node:fs';

/** One pair of images and whether they show the same person. */
export interface ImagePair {
  readonly first: { readonly name: string; readonly index: number };
  readonly second: { readonly name: string; readonly index: number };
  readonly same: boolean;
  /** Zero-based fold, from the header's layout; 0 when the file has no header. */
  readonly fold: number;
}

/** A parsed pairs file. */
export interface PairsFile {
  readonly pairs: readonly ImagePair[];
  /** Number of folds (1 without a header). */
  readonly folds: number;
}

/** Raised for a malformed line; the message names the file and line. */
export class PairsFormatError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    reason: string,
  ) {
    super(
      `${path}:${line}: ${reason}; expected "name<TAB>n1<TAB>n2" or "name1<TAB>n1<TAB>name2<TAB>n2"`,
    );
    this.name = 'PairsFormatError';
  }
}

function parseIndex(text: string, path: string, line: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new PairsFormatError(path, line, `"${text}" is not an image number`);
  }
  return value;
}

/** Parses the text of a pairs file; `path` is used in errors. */
export function parsePairs(text: string, path = '<pairs>'): PairsFile {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '')
    lines.pop();
  let start = 0;
  let folds = 1;
  let perFold = Infinity;
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  if (header.length <= 2 && header.every((field) => /^\d+$/.test(field))) {
    folds = Number(header[0]);
    perFold = header.length === 2 ? Number(header[1]) : Infinity;
    start = 1;
  }
  const pairs: ImagePair[] = [];
  for (let i = start; i < lines.length; i++) {
    const lineNumber = i + 1;
    const fields = lines[i]!.trim().split(/\t| +/);
    // Each fold contains perFold matched pairs, then perFold mismatched pairs.
    const fold = Number.isFinite(perFold)
      ? Math.floor((i - start) / (2 * perFold))
      : 0;
    if (fields.length === 3) {
      const [name, a, b] = fields as [string, string, string];
      pairs.push({
        first: { name, index: parseIndex(a, path, lineNumber) },
        second: { name, index: parseIndex(b, path, lineNumber) },
        same: true,
        fold,
      });
    } else if (fields.length === 4) {
      const [name1, a, name2, b] = fields as [string, string, string, string];
      pairs.push({
        first: { name: name1, index: parseIndex(a, path, lineNumber) },
        second: { name: name2, index: parseIndex(b, path, lineNumber) },
        same: false,
        fold,
      });
    } else {
      throw new PairsFormatError(path, lineNumber, `${fields.length} fields`);
    }
  }
  if (Number.isFinite(perFold) && pairs.length !== folds * perFold * 2) {
    throw new PairsFormatError(
      path,
      lines.length,
      `header promises ${folds * perFold * 2} pairs, found ${pairs.length}`,
    );
  }
  return { pairs, folds };
}

/** Reads and parses a pairs file. */
export function readPairs(path: string): PairsFile {
  return parsePairs(readFileSync(path, 'utf8'), path);
}

/**
 * Splits pairs into `folds` cross-validation folds, for files without a
 * header or to change the number of folds. Matched and mismatched pairs are
 * each cut into consecutive blocks in file order, so every fold gets an
 * equal share of both, as in View 2.
 *
 * @throws RangeError when `folds` is below 2 or above the number of matched
 *   or mismatched pairs.
 */
export function assignFolds(
  pairs: readonly ImagePair[],
  folds: number,
): ImagePair[] {
  const matched = pairs.filter((pair) => pair.same).length;
  const mismatched = pairs.length - matched;
  if (!(Number.isInteger(folds) && folds >= 2)) {
    throw new RangeError(
      `folds must be an integer of at least 2, got ${folds}`,
    );
  }
  if (folds > Math.min(matched, mismatched)) {
    throw new RangeError(
      `${folds} folds need at least ${folds} matched and ${folds} mismatched pairs, got ${matched} and ${mismatched}`,
    );
  }
  let seenMatched = 0;
  let seenMismatched = 0;
  return pairs.map((pair) => {
    const fold = pair.same
      ? Math.floor((seenMatched++ * folds) / matched)
      : Math.floor((seenMismatched++ * folds) / mismatched);
    return { ...pair, fold };
  });
}

/**
 * Returns the first `count / 2` matched and the first `count / 2` mismatched
 * pairs, a balanced subset for measurements that cannot afford every pair.
 *
 * @throws RangeError when `count` is not a positive even integer.
 */
export function balancedSubset(
  pairs: readonly ImagePair[],
  count: number,
): ImagePair[] {
  if (!(Number.isInteger(count) && count >= 2 && count % 2 === 0)) {
    throw new RangeError(
      `pair count must be a positive even integer, got ${count}`,
    );
  }
  const matched = pairs.filter((pair) => pair.same).slice(0, count / 2);
  const mismatched = pairs.filter((pair) => !pair.same).slice(0, count / 2);
  return [...matched, ...mismatched];
}
