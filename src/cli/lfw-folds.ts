/**
 * Checks `eval lfw`'s `--folds` and `--pairs-per-kind` against the pairs
 * file before any model loads, with the rules that `scoreLfwPairs` applies
 * after embedding.
 */
import type { ImagePair, PairsFile } from '../evaluation/pairs';

/** Number of leading pairs of a list needed to reach a second fold, or undefined when all share one. */
function pairsToReachSecondFold(
  pairs: readonly ImagePair[],
): number | undefined {
  const index = pairs.findIndex((pair) => pair.fold !== pairs[0]?.fold);
  return index === -1 ? undefined : index + 1;
}

/**
 * Returns a usage-error message when the options leave cross-validation
 * without two folds, or undefined when they work.
 *
 * `--folds F` splits the chosen pairs anew, so each kind needs at least F
 * pairs. Without `--folds`, a file with a folds header keeps its folds, and
 * the first `--pairs-per-kind` pairs of each kind must reach a second fold.
 */
export function lfwFoldsProblem(
  file: PairsFile,
  folds: number | undefined,
  pairsPerKind: number | undefined,
): string | undefined {
  const matched = file.pairs.filter((pair) => pair.same);
  const mismatched = file.pairs.filter((pair) => !pair.same);
  const limit = pairsPerKind ?? Infinity;
  const available = Math.min(matched.length, mismatched.length, limit);

  if (folds !== undefined) {
    if (folds <= available) return undefined;
    const fix =
      available >= 2 ? `pass --folds ${available} or less, or ` : 'pass ';
    return (
      `--folds ${folds} needs at least ${folds} matched and ${folds} mismatched pairs, ` +
      `but ${pairsPerKind === undefined ? 'the file' : `--pairs-per-kind ${pairsPerKind}`} gives ${available}; ` +
      `${fix}--pairs-per-kind ${folds} or more`
    );
  }

  if (file.folds < 2 || pairsPerKind === undefined) return undefined;
  const chosenFolds = new Set(
    [...matched.slice(0, limit), ...mismatched.slice(0, limit)].map(
      (pair) => pair.fold,
    ),
  );
  if (chosenFolds.size >= 2) return undefined;

  const needed = Math.max(
    pairsToReachSecondFold(matched) ?? Infinity,
    pairsToReachSecondFold(mismatched) ?? Infinity,
  );
  const foldsFix =
    available >= 2
      ? `pass --folds 2 (up to ${available}) to split them anew`
      : undefined;
  const sizeFix = Number.isFinite(needed)
    ? `--pairs-per-kind ${needed} or more`
    : undefined;
  return (
    `--pairs-per-kind ${pairsPerKind} takes every pair from fold 1 of the file's ${file.folds} folds, ` +
    `and cross-validation needs at least 2 folds; ` +
    [foldsFix, sizeFix].filter((fix) => fix !== undefined).join(', or pass ')
  );
}
