import type { ImageResult } from './result';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Formats results as a plain-text table, one row per face (or per failed image). */
export function formatResultsTable(results: readonly ImageResult[]): string {
  const rows: string[][] = [
    ['image', 'face', 'label', 'distance', 'band', 'box (x,y,w,h)'],
  ];
  for (const result of results) {
    if (result.error !== undefined) {
      rows.push([result.source, '-', 'error', '-', '-', result.error]);
      continue;
    }
    if (result.faces.length === 0) {
      rows.push([result.source, '-', 'no face', '-', '-', '-']);
      continue;
    }
    result.faces.forEach((face, i) => {
      const { x, y, width, height } = face.box;
      rows.push([
        result.source,
        String(i + 1),
        face.label,
        Number.isFinite(face.distance) ? face.distance.toFixed(3) : '-',
        face.band,
        [x, y, width, height].map((v) => Math.round(v)).join(','),
      ]);
    });
  }
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => row[column]!.length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : pad(cell, widths[column]!),
        )
        .join('  '),
    )
    .join('\n');
}
