/**
 * The named permissions of SPEC §2 (seed 000): which exist, which are tenant-scoped and
 * admin-only. The grants each one carries join the declarative model file in the next issue;
 * until then a key holds named permissions and verify answers whether it holds one.
 */
export interface PermissionInfo {
  readonly id: string;
  readonly scope: 'environment' | 'tenant';
  readonly adminOnly: boolean;
  readonly title: string;
}

const ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ['functions.execute', 'Execute API, server and client functions; trigger webhooks'],
  ['applications.use', 'Use applications and sign in to the management UI'],
  ['library.generate', 'Generate SDKs, client libraries and API docs'],
  ['apiFunctions.manage', 'Create, modify and delete API functions'],
  ['webhooks.manage', 'Create, modify and delete webhooks'],
  ['triggers.manage', 'Create, modify and delete triggers'],
  ['applications.manage', 'Create, modify and delete applications'],
  ['schemas.manage', 'Create, modify and delete schemas'],
  ['snippets.manage', 'Create, modify and delete snippets'],
  ['variables.manage', 'Create, modify and delete variables'],
  ['secrets.manage', 'Create, modify and delete secret variables'],
  ['jobs.manage', 'Create, modify and delete jobs'],
  ['customDev', 'Deploy and redeploy server and client functions'],
  ['authConfig.manage', "Change the environment's auth settings"],
  ['assistant.use', 'Use the AI assistant; held by every valid key'],
  ['runtime.run', 'Run agents (and create their sessions)'],
  ['runtime.sessionCreate', 'Create sessions'],
  ['runtime.sessionTerminate', 'Terminate sessions'],
  ['runtime.documentUpload', 'Upload documents to sessions'],
];

const TENANT: ReadonlyArray<readonly [string, string]> = [
  ['users.manage', 'Users, their MFA, keys, policies and groups in every environment'],
  ['tenant.manage', 'Tenant settings and tier, environments, audit log, tenant-wide policies'],
];

export const PERMISSIONS: ReadonlyMap<string, PermissionInfo> = new Map<string, PermissionInfo>([
  ...ENVIRONMENT.map(([id, title]): [string, PermissionInfo] => [id, { id, title, scope: 'environment', adminOnly: false }]),
  ...TENANT.map(([id, title]): [string, PermissionInfo] => [id, { id, title, scope: 'tenant', adminOnly: true }]),
]);

/** Held by every valid key and never removable (seed 000, "Default Access"). */
export const ALWAYS_HELD = 'assistant.use';

export function isKnownPermission(id: string): boolean {
  return PERMISSIONS.has(id);
}

export function isAdminOnly(id: string): boolean {
  return PERMISSIONS.get(id)?.adminOnly === true;
}
