/**
 * The bounded waits' settings (SPEC §6): documented defaults, each a KEYWARD_* variable listed by
 * `keyward --help` and docs/deploy.md, and a start refused when PostgreSQL's own bounds would not
 * end before the node stops waiting (a write it gave up on could then commit after its 503).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/http/config.js';

const BOUNDED_WAITS = {
  KEYWARD_DATABASE_CONNECT_TIMEOUT_MS: 'databaseConnectTimeoutMs',
  KEYWARD_DATABASE_QUERY_TIMEOUT_MS: 'databaseQueryTimeoutMs',
  KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS: 'databaseStatementTimeoutMs',
  KEYWARD_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: 'databaseIdleInTransactionTimeoutMs',
  KEYWARD_REDIS_CONNECT_TIMEOUT_MS: 'redisConnectTimeoutMs',
  KEYWARD_REDIS_COMMAND_TIMEOUT_MS: 'redisCommandTimeoutMs',
  KEYWARD_TCP_KEEPALIVE_MS: 'tcpKeepAliveMs',
  KEYWARD_SHUTDOWN_TIMEOUT_MS: 'shutdownTimeoutMs',
} as const;

const deployGuide = readFileSync(resolve(import.meta.dirname, '../../docs/deploy.md'), 'utf8');

describe('bounded waits settings', () => {
  it.each(Object.entries(BOUNDED_WAITS))(
    '%s: its documented default applies, and a value set is taken',
    (name, field) => {
      const variable = CONFIG_VARIABLES.find((candidate) => candidate.name === name);
      expect(variable).toBeDefined();
      expect(loadConfig({})[field]).toBe(Number(variable?.default));
      expect(deployGuide).toContain(`| \`${name}\` | \`${variable?.default}\` |`);
      // Inside every range, and the query bound still above PostgreSQL's own.
      const value = name === 'KEYWARD_DATABASE_QUERY_TIMEOUT_MS' ? 4500 : 1500;
      expect(loadConfig({ [name]: String(value) })[field]).toBe(value);
      expect(() => loadConfig({ [name]: 'soon' })).toThrow(new RegExp(`${name} must be an integer`));
    },
  );

  it('meets the SPEC by default: a silent Redis costs a verify under 1 s, a silent PostgreSQL a write under 5 s', () => {
    const config = loadConfig({});
    expect(config.redisCommandTimeoutMs).toBeLessThan(1000);
    expect(config.databaseQueryTimeoutMs).toBeLessThan(5000);
    expect(config.databaseConnectTimeoutMs).toBeLessThan(5000);
  });

  it('refuses PostgreSQL bounds that would not end before the node stops waiting', () => {
    for (const name of ['KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS', 'KEYWARD_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS']) {
      expect(() => loadConfig({ [name]: '3000' })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: '3000' })).toThrow(
        `${name} must be below KEYWARD_DATABASE_QUERY_TIMEOUT_MS (3000)`,
      );
      expect(loadConfig({ [name]: '5000', KEYWARD_DATABASE_QUERY_TIMEOUT_MS: '6000' }).databaseQueryTimeoutMs).toBe(
        6000,
      );
    }
  });
});
