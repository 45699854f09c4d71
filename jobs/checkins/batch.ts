/**
 * Coalesces single-item calls made close together into one call for all of them, so jobs running
 * side by side share a database round trip. While `maxInFlight` calls run, new items wait and go
 * out together with the next one: the busier it gets, the bigger the batches. One at a time by
 * default: fewer, larger statements cost the process less than more, smaller ones.
 */
export function coalesce<K, R>(
  run: (items: K[]) => Promise<R[]>,
  options: { maxBatch?: number; maxInFlight?: number } = {},
): (item: K) => Promise<R> {
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? 1;
  let waiting: { item: K; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  let scheduled = false;

  function flush() {
    scheduled = false;
    while (waiting.length > 0 && inFlight < maxInFlight) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight += 1;
      run(batch.map((w) => w.item))
        .then(
          (results) => {
            for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          inFlight -= 1;
          flush();
        });
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!scheduled && inFlight < maxInFlight) {
        scheduled = true;
        // Let the jobs that arrived in the same turn join this batch.
        setImmediate(flush);
      }
    });
}
