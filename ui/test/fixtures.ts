/** A small model and signed-in keys for the console's component tests, shaped as GET /v1/model and GET /v1/me answer. */
import type { GroupObject, KeyObject, MeObject, ModelDescriptionObject } from '../src/api';

const ROLE_ACTIONS: Record<string, string[]> = {
  discoverer: ['discover'],
  viewer: ['discover', 'read'],
  editor: ['discover', 'read', 'update', 'run', 'create'],
  owner: ['discover', 'read', 'update', 'run', 'create', 'delete', 'share'],
  admin: ['discover', 'read', 'update', 'run', 'create', 'delete', 'share'],
  member: ['discover'],
  // Legacy: stored as viewer plus run (model/default.yaml).
  executor: ['discover', 'read', 'run'],
};
const STORED_AS: Record<string, string> = { executor: 'viewer' };

export const model: ModelDescriptionObject = {
  actions: ['discover', 'read', 'run', 'update', 'create', 'delete', 'share'],
  roles: Object.entries(ROLE_ACTIONS).map(([name, actions]) => ({ name, actions, storeAs: STORED_AS[name] ?? null })),
  types: [
    { name: 'org', catalogue: false, roles: ['admin', 'member'], parents: [], topLevel: true, value: 'none' },
    { name: 'namespace', catalogue: false, roles: ['admin'], parents: [], topLevel: true, value: 'none' },
    {
      name: 'project',
      catalogue: false,
      roles: ['discoverer', 'viewer', 'editor', 'owner'],
      parents: ['namespace'],
      topLevel: true,
      value: 'none',
    },
    {
      name: 'agent',
      catalogue: false,
      roles: ['discoverer', 'viewer', 'editor', 'owner', 'executor'],
      parents: ['namespace', 'project'],
      topLevel: true,
      value: 'none',
    },
    {
      name: 'apiFunction',
      catalogue: true,
      roles: ['viewer', 'editor', 'owner'],
      parents: ['namespace', 'project'],
      topLevel: true,
      value: 'none',
    },
  ],
  levels: [
    { name: 'none', actions: [], types: ['project', 'agent', 'apiFunction'] },
    { name: 'view', actions: ROLE_ACTIONS['viewer'] ?? [], types: ['project', 'agent', 'apiFunction'] },
    { name: 'full', actions: ROLE_ACTIONS['owner'] ?? [], types: ['project', 'agent', 'apiFunction'] },
  ],
  permissions: [
    { id: 'functions.execute', title: 'Execute functions', scope: 'environment', adminOnly: false, alwaysHeld: false },
    { id: 'secrets.manage', title: 'Manage secrets', scope: 'environment', adminOnly: false, alwaysHeld: false },
    { id: 'users.manage', title: 'Manage users', scope: 'tenant', adminOnly: true, alwaysHeld: false },
    { id: 'assistant.use', title: 'Use the assistant', scope: 'environment', adminOnly: false, alwaysHeld: true },
  ],
  presets: [
    {
      name: 'deploy',
      scopes: ['namespace:admin', 'agent:editor', 'project:editor'],
      permissions: [],
      adminOnly: false,
      icon: '🚀',
      useCase: 'CI/CD pipelines, deployments',
    },
    {
      name: 'read-only',
      scopes: ['agent:viewer', 'project:viewer'],
      permissions: [],
      adminOnly: false,
      icon: '👁️',
      useCase: 'Monitoring, dashboards',
    },
    { name: 'custom', scopes: [], permissions: [], adminOnly: false, icon: '⚙️', useCase: 'Manual scope configuration' },
    {
      name: 'tenant-admin',
      scopes: ['org:admin'],
      permissions: ['functions.execute', 'secrets.manage', 'users.manage'],
      adminOnly: true,
      icon: null,
      useCase: null,
    },
  ],
};

const key: KeyObject = {
  id: 'key_01caller',
  tenantId: 'ten_01acme',
  environmentId: 'env_01prod',
  userId: null,
  kind: 'application',
  name: 'caller',
  admin: true,
  enabled: true,
  status: 'active',
  prefix: 'kw',
  hint: 'abcd',
  permissions: [],
  scopes: [],
  levels: {},
  preset: null,
  policyIds: [],
  groupIds: ['grp_01mine'],
  metadata: {},
  ipAllowlist: null,
  credits: null,
  ratelimits: [],
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  previousSecretValidUntil: null,
  createdByKeyId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** An admin key that manages users and holds owner on agents, projects and api functions, but nothing on namespaces. */
export const limitedMe: MeObject = {
  key,
  grants: {
    root: false,
    permissions: ['assistant.use', 'functions.execute', 'users.manage'],
    typeWide: {
      agent: ROLE_ACTIONS['owner'] ?? [],
      project: ROLE_ACTIONS['owner'] ?? [],
      apiFunction: ROLE_ACTIONS['viewer'] ?? [],
    },
    allTypes: [],
    createsTypes: ['agent', 'project'],
    resources: {},
    readDiscoverable: false,
  },
};

/** The root key: everything, everywhere. */
export const rootMe: MeObject = {
  key: { ...key, id: 'key_01root', tenantId: null, environmentId: null, kind: 'root', groupIds: [] },
  grants: {
    root: true,
    permissions: model.permissions.map((permission) => permission.id),
    typeWide: {},
    allTypes: model.actions,
    createsTypes: [],
    resources: {},
    readDiscoverable: true,
  },
};

export const groups: GroupObject[] = [
  {
    id: 'grp_01mine',
    tenantId: 'ten_01acme',
    name: 'platform',
    memberKeyIds: ['key_01caller'],
    memberUserIds: [],
    createdAt: key.createdAt,
    updatedAt: key.createdAt,
  },
  {
    id: 'grp_01other',
    tenantId: 'ten_01acme',
    name: 'finance',
    memberKeyIds: [],
    memberUserIds: [],
    createdAt: key.createdAt,
    updatedAt: key.createdAt,
  },
];
