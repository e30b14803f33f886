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
  /**
   * The implicit root of every tree of an environment (`org`): a type-wide role on it holds on
   * every resource of every type there, as if each sat under it (SPEC §2).
   */
  readonly root: boolean;
  /** Deleting a resource of the type removes its descendants with it (a session its documents). */
  readonly deleteRemovesChildren: boolean;
  /**
   * A catalogue type (seed 003's PolyAPI resources): every valid key of a resource's audience (its
   * visibility) may discover it with no grant (SPEC §3 step 4). Absent: false.
   */
  readonly catalogue?: boolean;
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

/** A level (`view`, `edit`, `full`): type-wide access to one type's components (seed 001). */
export interface LevelDef {
  readonly name: string;
  /** Actions on every resource of the type; `create` is not among them (see createsType). */
  readonly actions: ReadonlySet<string>;
  /** The level lets the key create resources of the type (a level's `create`). */
  readonly createsType: boolean;
  /** The roles a type must allow for the level to apply to it. */
  readonly validWith: readonly string[];
}

/** A preset (seed 004): the grants a new key starts with. */
export interface PresetDef {
  readonly name: string;
  /** Scopes, in scope syntax (`namespace:admin`). */
  readonly scopes: readonly string[];
  /** Named permissions, already expanded when the model says every one (`tenant-admin`). */
  readonly permissions: readonly string[];
  /** Only admin keys may be made from it. */
  readonly adminOnly: boolean;
  /** What the wizard shows beside its name (seed 004: "🚀" for deploy); null: nothing. */
  readonly icon: string | null;
  /** What it is for, in a few words (seed 004: "CI/CD pipelines, deployments"); null: not said. */
  readonly useCase: string | null;
}

export interface AuthModel {
  readonly actions: ReadonlySet<string>;
  readonly roles: ReadonlyMap<string, RoleDef>;
  readonly types: ReadonlyMap<string, TypeDef>;
  /** Level name → what it grants (`none` → null). */
  readonly levels: ReadonlyMap<string, LevelDef | null>;
  readonly permissions: ReadonlyMap<string, PermissionDef>;
  readonly presets: ReadonlyMap<string, PresetDef>;
  /** The role a key (and its groups) receives on what it creates; null: none. */
  readonly creatorRole: string | null;
}

export const CREATE_ACTION = 'create';
