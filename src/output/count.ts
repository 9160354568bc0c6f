/** Formats a count with the singular or plural noun: `1 person`, `3 people`. */
export function count(value: number, singular: string, plural: string): string {
  return `${value} ${value === 1 ? singular : plural}`;
}
