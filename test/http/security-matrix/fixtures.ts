/** Every fixture of the security matrix, one table: a route of the app without an entry here fails the suite. */
import { ACCESS_FIXTURES } from './fixtures-access.js';
import { KEY_FIXTURES } from './fixtures-keys.js';
import { PEOPLE_FIXTURES } from './fixtures-people.js';
import { RESOURCE_FIXTURES } from './fixtures-resources.js';
import { TENANCY_FIXTURES } from './fixtures-tenancy.js';
import { WEBHOOK_FIXTURES } from './fixtures-webhooks.js';
import { WEBHOOK_KEY_FIXTURES } from './fixtures-webhook-keys.js';
import { SSO_FIXTURES } from './fixtures-sso.js';
import { REPLICA_FIXTURES } from './fixtures-replica.js';
import type { Fixtures } from './fixture.js';

const PARTS: readonly Fixtures[] = [
  TENANCY_FIXTURES,
  PEOPLE_FIXTURES,
  KEY_FIXTURES,
  ACCESS_FIXTURES,
  RESOURCE_FIXTURES,
  WEBHOOK_FIXTURES,
  WEBHOOK_KEY_FIXTURES,
  SSO_FIXTURES,
  REPLICA_FIXTURES,
];

function merged(parts: readonly Fixtures[]): Fixtures {
  const all: Record<string, Fixtures[string]> = {};
  for (const part of parts) {
    for (const [route, fixture] of Object.entries(part)) {
      if (route in all) throw new Error(`two fixtures for ${route}`);
      all[route] = fixture;
    }
  }
  return all;
}

export const FIXTURES: Fixtures = merged(PARTS);
