/** A bounded wait for something another process or a timer brings about (a link back, a catch-up). */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads `probe` every 100 ms until `done` holds of it, or `timeoutMs` has passed: answers the last
 * value read either way, for the caller's assertion to judge (and to show when it fails).
 */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const started = Date.now();
  let value = await probe();
  while (!done(value) && Date.now() - started < timeoutMs) {
    await sleep(100);
    value = await probe();
  }
  return value;
}
