/**
 * `count` calls of `task`, at most `limit` of them in flight at once, answers in call order.
 * Races need many requests at the same instant, not a thousand queued on one node's connection
 * pool: on a loaded machine those waited past the pool's bound and were answered 503, which is
 * the node shedding load, not the race under test.
 */
export async function inFlight<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const answers = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      answers[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return answers;
}
