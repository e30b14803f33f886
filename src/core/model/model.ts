/**
 * The authorization model, compiled: actions, roles (with their included roles flattened),
 * resource types with their valid roles and parent rules, levels, named permissions and presets.
 * Built once at start from the declarative model file (see compile-model.ts) and read-only after.
 */

export interface RoleDef {
  readonly name: string;
  /** Every action the role grants, its included roles' too. */
  readonly actions: ReadonlySet<string>;
  /** Held type-wide, the role applies to every type, not only the one named (org `member`). */
  readonly allTypes: boolean;
  /**
   * Held type-wide on a type, the role also lets the key create resources of that type at the
   * top level or under any parent it may discover (owner and what includes it).
   */
  readonly createsType: boolean;
  /** Legacy roles are stored as this role plus `storeExtra` actions (`executor` = viewer + run). */
  readonly storeAs: string | null;
  readonly storeExtra: readonly string[];
}

/** Whether resources of a type carry a value: none, in clear (`variable`), or encrypted at rest (`secret`). */
export type ValueKind = 'none' | 'clear' | 'secret';

export interface TypeDef {
  readonly name: string;
  readonly roles: ReadonlySet<string>;
  readonly topLevel: boolean;
  readonly parents: ReadonlySet<string>;
  readonly value: ValueKind;
}

/** Actions a permission grants on every resource of some types, in the key's environment. */
export interface TypeGrant {
  readonly types: readonly string[];
  readonly actions: ReadonlySet<string>;
  /** A granted role may also create resources of these types (see RoleDef.createsType). */
  readonly createsType: boolean;
}

export interface PermissionDef {
  readonly id: string;
  readonly title: string;
  readonly scope: 'environment' | 'tenant';
  readonly adminOnly: boolean;
  readonly alwaysHeld: boolean;
  readonly grants: readonly TypeGrant[];
  /** The key may read whatever it may discover (SDK and docs generation). */
  readonly readDiscoverable: boolean;
}

export interface AuthModel {
  readonly actions: ReadonlySet<string>;
  readonly roles: ReadonlyMap<string, RoleDef>;
  readonly types: ReadonlyMap<string, TypeDef>;
  /** Level name → the role it stands for (`none` → null). */
  readonly levels: ReadonlyMap<string, string | null>;
  readonly permissions: ReadonlyMap<string, PermissionDef>;
  /** Preset name → its scopes, in scope syntax (`namespace:admin`). */
  readonly presets: ReadonlyMap<string, readonly string[]>;
  /** The role a key (and its groups) receives on what it creates; null: none. */
  readonly creatorRole: string | null;
}

export const CREATE_ACTION = 'create';
