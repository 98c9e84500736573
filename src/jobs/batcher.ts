// A micro-batcher: callers submit one item each and get their own answer, while the work runs for many items
// at once. Items submitted in the same tick go together; while `maxInFlight` batches are running, new items
// wait and join the next one, so batches grow with the load (group commit) instead of one statement per item.
// (DataLoader batches per tick too, but has no in-flight limit, so under load it would send many small batches.)

export interface Batcher<I, O> {
  submit(item: I): Promise<O>;
}

export interface BatcherOptions {
  /** The largest batch; a full batch is sent at once rather than on the next tick. */
  maxBatch: number;
  /** Batches running at the same time; more items wait for one of them to finish. */
  maxInFlight: number;
}

/**
 * `run` answers one result per item, in the items' order. When it throws, every item of that batch is
 * rejected with the same error (each caller then fails and is retried on its own); other batches are unaffected.
 */
export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, options: BatcherOptions): Batcher<I, O> {
  type Waiting = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };
  let waiting: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  function send(batch: Waiting[]): void {
    inFlight++;
    run(batch.map((w) => w.item))
      .then(
        (results) => {
          if (results.length !== batch.length) throw new Error(`batch answered ${results.length} results for ${batch.length} items`);
          batch.forEach((w, i) => w.resolve(results[i]!));
        },
        (error: unknown) => {
          for (const w of batch) w.reject(error);
        },
      )
      .catch((error: unknown) => {
        for (const w of batch) w.reject(error);
      })
      .finally(() => {
        inFlight--;
        flush();
      });
  }

  function flush(): void {
    scheduled = false;
    while (waiting.length > 0 && inFlight < options.maxInFlight) {
      const batch = waiting.slice(0, options.maxBatch);
      waiting = waiting.slice(options.maxBatch);
      send(batch);
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (waiting.length >= options.maxBatch && inFlight < options.maxInFlight) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
