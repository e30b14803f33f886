/**
 * `keyward doctor` checks every configured dependency besides the database, each within a bound:
 * a configured Redis that does not answer fails it (rate limits would fall back on every node),
 * one that does passes; a tiers file that does not load fails it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliHome } from '../support/cli-process.js';
import { redisAvailable, TEST_REDIS_URL } from '../support/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'keyward-doctor-'));
const cli = cliHome(join(dir, 'home'));
const dataDir = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const redisUp = await redisAvailable();

describe('keyward doctor and the dependencies it is configured with', () => {
  it('fails when Redis is configured but does not answer, within its bounds, without showing a password', async () => {
    const started = Date.now();
    const result = await cli.run([
      'doctor',
      '--data-dir',
      dataDir,
      '--redis-url',
      'redis://:hunter2secret@127.0.0.1:1',
      '--redis-connect-timeout-ms',
      '500',
    ]);
    expect(result.status, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+redis\s+could not reach redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(result.stdout).not.toContain('hunter2secret');
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it.skipIf(!redisUp)(
    'passes the Redis check when Redis answers',
    async () => {
      const result = await cli.run(['doctor', '--data-dir', dataDir, '--redis-url', TEST_REDIS_URL]);
      expect(result.stdout).toMatch(/ok\s+redis\s+reached redis:\/\/.*PING in/);
      expect(result.stdout).not.toMatch(/FAIL/);
    },
    30_000,
  );

  it('fails when the tiers file does not load', async () => {
    const tiers = join(dir, 'tiers.yaml');
    writeFileSync(tiers, 'tiers: 12\n');
    const result = await cli.run(['doctor', '--data-dir', dataDir, '--tiers', tiers]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+tiers/);
  }, 30_000);

  it('checks nothing it is not configured with', async () => {
    const result = await cli.run(['doctor', '--data-dir', dataDir]);
    expect(result.stdout).not.toMatch(/\s(redis|tiers|traces)\s/);
  }, 30_000);
});
