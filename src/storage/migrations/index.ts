/**
 * The versioned migrations, in order. Listed here rather than read from a folder so they run the
 * same from `src/` under the tests and from `dist/` in production.
 */
import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as keyLevels from './0002-key-levels.js';
import * as resources from './0003-resources.js';
import * as policiesGroups from './0004-policies-groups.js';
import * as keyRotation from './0005-key-rotation.js';
import * as mfa from './0006-mfa.js';
import * as usage from './0007-usage.js';
import * as auditChain from './0008-audit-chain.js';
import * as resourceListing from './0009-resource-listing.js';
import * as auditMac from './0010-audit-mac-pepper.js';
import * as seedMeanings from './0012-seed-meanings.js';
import * as usageControls from './0013-usage-controls.js';
import * as rateLimits from './0014-rate-limits.js';
import * as creditPeriodEnd from './0015-credit-period-end.js';
import * as webhookEndpoints from './0016-webhook-endpoints.js';
import * as webhookKeys from './0017-webhook-keys.js';
import * as keyImport from './0018-key-import.js';
import * as identityProviders from './0019-identity-providers.js';
import * as keySearch from './0020-key-search.js';
import * as resourceAuditSearch from './0021-resource-audit-search.js';
import * as creditLeases from './0022-credit-leases.js';
import * as analyticsRollup from './0023-analytics-rollup.js';
import * as tenantNames from './0024-tenant-names.js';
import * as replica from './0027-replica.js';

export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-key-levels': keyLevels,
  '0003-resources': resources,
  '0004-policies-groups': policiesGroups,
  '0005-key-rotation': keyRotation,
  '0006-mfa': mfa,
  '0007-usage': usage,
  '0008-audit-chain': auditChain,
  '0009-resource-listing': resourceListing,
  '0010-audit-mac-pepper': auditMac,
  '0012-seed-meanings': seedMeanings,
  '0013-usage-controls': usageControls,
  '0014-rate-limits': rateLimits,
  '0015-credit-period-end': creditPeriodEnd,
  '0016-webhook-endpoints': webhookEndpoints,
  '0017-webhook-keys': webhookKeys,
  '0018-key-import': keyImport,
  '0019-identity-providers': identityProviders,
  '0020-key-search': keySearch,
  '0021-resource-audit-search': resourceAuditSearch,
  '0022-credit-leases': creditLeases,
  '0023-analytics-rollup': analyticsRollup,
  '0024-tenant-names': tenantNames,
  '0027-replica': replica,
};
