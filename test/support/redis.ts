/**
 * The Redis the suites use: `KEYWARD_TEST_REDIS_URL` (as in CI, where it must answer), else the
 * usual local server if it answers; a suite that needs Redis skips with one line when it does not.
 */
import { Redis } from 'ioredis';

const REQUIRED = process.env['KEYWARD_TEST_REDIS_URL'];
export const TEST_REDIS_URL = REQUIRED ?? 'redis://127.0.0.1:6379';

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Whether the Redis suites run: always when required (a dead server then fails them), else if it answers. */
export async function redisAvailable(): Promise<boolean> {
  return REQUIRED !== undefined || (await redisAnswers());
}
