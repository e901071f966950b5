/** Kafka answers INVALID_REQUEST for names (topics, resources, config keys) given twice. */

/** The values that occur more than once, in order of first occurrence. */
export function duplicateValues<T>(values: readonly T[]): Set<T> {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) twice.add(v);
    else seen.add(v);
  }
  return twice;
}

/** Indexes of every entry whose value occurs more than once. */
export function duplicateIndexes<T>(values: readonly T[]): Set<number> {
  const twice = duplicateValues(values);
  const out = new Set<number>();
  values.forEach((v, i) => {
    if (twice.has(v)) out.add(i);
  });
  return out;
}
