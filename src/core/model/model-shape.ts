/**
 * The model document's shape as a TypeBox schema: which fields each entry may have and what
 * each holds. `readShape` checks a parsed document against it and words every mismatch as the
 * operator's file names it (`roles.editor.actions[0]: must be a string`), all of them at once;
 * it also hands back the document with the mismatched parts cut out, so the semantic pass
 * (compile-model.ts) can still report what else is wrong in the same run.
 */
import { Kind, KindGuard, type Static, type TProperties, type TSchema, Type } from '@sinclair/typebox';
import { type ValueError, ValueErrorType, Value } from '@sinclair/typebox/value';

// `errorMessage`: how a mismatch of this schema is worded; `quoteValue`: followed by the value found.
const names = Type.Array(Type.String());
const flag = Type.Boolean();
const mapping = <P extends TProperties>(properties: P) => Type.Object(properties, { additionalProperties: false });
const entries = <S extends TSchema>(value: S) => Type.Record(Type.String(), value);
const shortText = (maxLength: number) => {
  const errorMessage = `must be a non-empty string of at most ${maxLength} characters`;
  return Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength, pattern: '\\S', errorMessage })], {
    errorMessage,
  });
};

export const RoleSchema = mapping({
  actions: Type.Optional(names),
  includes: Type.Optional(names),
  allTypes: Type.Optional(flag),
  createsType: Type.Optional(flag),
  storeAs: Type.Optional(Type.String()),
});

export const TypeSchema = mapping({
  roles: Type.Optional(names),
  topLevel: Type.Optional(flag),
  parents: Type.Optional(names),
  value: Type.Optional(
    Type.Union([Type.Literal('none'), Type.Literal('clear'), Type.Literal('secret')], {
      errorMessage: 'must be none, clear or secret',
    }),
  ),
  root: Type.Optional(flag),
  deleteRemovesChildren: Type.Optional(flag),
  catalogue: Type.Optional(flag),
});

export const LevelSchema = Type.Union(
  [Type.Null(), Type.String(), mapping({ actions: Type.Optional(names), validWith: Type.Optional(names) })],
  { errorMessage: 'must be null, a role or a mapping of actions', quoteValue: true },
);

export const GrantSchema = mapping({
  types: Type.Optional(names),
  actions: Type.Optional(names),
  role: Type.Optional(Type.String()),
});

export const PermissionSchema = mapping({
  title: Type.Optional(Type.String()),
  scope: Type.Optional(
    Type.Union([Type.Literal('environment'), Type.Literal('tenant')], {
      errorMessage: 'must be environment or tenant',
    }),
  ),
  adminOnly: Type.Optional(flag),
  alwaysHeld: Type.Optional(flag),
  grants: Type.Optional(Type.Array(GrantSchema)),
  readDiscoverable: Type.Optional(flag),
});

/** A list of scopes, or a mapping with them and more (compile-permissions.ts). */
export const PresetSchema = Type.Union(
  [
    names,
    mapping({
      scopes: Type.Optional(names),
      permissions: Type.Optional(Type.Union([Type.Literal('all'), names], { errorMessage: 'must be a list or all' })),
      adminOnly: Type.Optional(flag),
      icon: Type.Optional(shortText(16)),
      useCase: Type.Optional(shortText(200)),
    }),
  ],
  { errorMessage: 'must be a list of scopes or a mapping' },
);

/** Everything of the document but its version, which only says how to read the rest. */
const BodySchema = mapping({
  actions: Type.Optional(names),
  roles: Type.Optional(entries(RoleSchema)),
  types: Type.Optional(entries(TypeSchema)),
  levels: Type.Optional(entries(LevelSchema)),
  permissions: Type.Optional(entries(PermissionSchema)),
  presets: Type.Optional(entries(PresetSchema)),
  creatorRole: Type.Optional(Type.Union([Type.String(), Type.Null()], { errorMessage: 'must be a role name or null' })),
});

export const ModelSchema = Type.Composite([
  Type.Object({ version: Type.Literal(1, { errorMessage: 'must be 1' }) }),
  BodySchema,
]);
// Composite drops the option, and an unknown top-level field is as wrong as a nested one.
ModelSchema.additionalProperties = false;

export type ModelBody = Static<typeof BodySchema>;
export type RoleDoc = Static<typeof RoleSchema>;
export type TypeDoc = Static<typeof TypeSchema>;
export type LevelDoc = Static<typeof LevelSchema>;
export type PermissionDoc = Static<typeof PermissionSchema>;
export type PresetDoc = Static<typeof PresetSchema>;

/** The kinds of schema a value could be an instance of, for choosing a union's variant. */
function kindsOf(value: unknown): readonly string[] {
  if (value === null) return ['Null'];
  if (Array.isArray(value)) return ['Array'];
  if (typeof value === 'object') return ['Object', 'Record'];
  if (typeof value === 'string') return ['String'];
  if (typeof value === 'boolean') return ['Boolean'];
  return typeof value === 'number' ? ['Number', 'Integer'] : [];
}

interface Mismatch {
  /** JSON pointer into the document. */
  readonly pointer: string;
  readonly message: string;
}

function wording(error: ValueError): string {
  const options = error.schema as { errorMessage?: string; quoteValue?: boolean };
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return 'unknown field';
  if (options.errorMessage !== undefined)
    return options.quoteValue === true
      ? `${options.errorMessage}, got ${JSON.stringify(error.value)}`
      : options.errorMessage;
  switch (error.schema[Kind]) {
    case 'Object':
    case 'Record':
      return 'must be a mapping';
    case 'Array':
      return 'must be a list';
    case 'String':
      return 'must be a string';
    case 'Boolean':
      return 'must be true or false';
    default:
      return error.message;
  }
}

/**
 * Every mismatch of `value` with `schema`, at its deepest: a union whose value is the kind of
 * one of its variants (a mapping, a list) is reported inside that variant, so a level's bad
 * action is named as such rather than as "not a level".
 */
function mismatches(schema: TSchema, value: unknown, at: string): Mismatch[] {
  return [...Value.Errors(schema, value)].flatMap((error) => {
    const pointer = at + error.path;
    if (KindGuard.IsUnion(error.schema)) {
      const kinds = kindsOf(error.value);
      const variant = error.schema.anyOf.find((inner) => kinds.includes(inner[Kind]));
      if (variant !== undefined) return mismatches(variant, error.value, pointer);
    }
    return [{ pointer, message: wording(error) }];
  });
}

const segmentsOf = (pointer: string) =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));

/** `/roles/editor/includes/0` as the file names it: `roles.editor.includes[0]` (the document itself: `model`). */
function pathOf(document: unknown, pointer: string): string {
  let path = '';
  let at: unknown = document;
  for (const segment of segmentsOf(pointer)) {
    path += Array.isArray(at) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
    at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[segment] : undefined;
  }
  return path === '' ? 'model' : path;
}

/** `document` without what `pointers` name: list items dropped, mapping entries deleted. */
function withoutMismatches(document: unknown, pointers: readonly string[]): unknown {
  const copy = structuredClone(document);
  // Deepest first, and a list's later items before its earlier ones, so each pointer still holds.
  const ordered = pointers
    .map(segmentsOf)
    .sort((a, b) => b.length - a.length || Number(b.at(-1)) - Number(a.at(-1)) || 0);
  for (const segments of ordered) {
    const last = segments.at(-1);
    if (last === undefined) return {};
    let parent: unknown = copy;
    for (const segment of segments.slice(0, -1)) parent = (parent as Record<string, unknown>)[segment];
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (typeof parent === 'object' && parent !== null) delete (parent as Record<string, unknown>)[last];
  }
  return copy;
}

export interface ShapeReading {
  /** Each mismatch as `path: message`, in document order. */
  readonly errors: readonly string[];
  /** The document's body with the mismatched parts cut out; null when what is left still does not read. */
  readonly body: ModelBody | null;
}

export function readShape(document: unknown): ShapeReading {
  const found = mismatches(ModelSchema, document, '');
  const errors = [...new Set(found.map(({ pointer, message }) => `${pathOf(document, pointer)}: ${message}`))].map(
    // An unknown top-level field is named under `model`, as an operator reads it.
    (error) => (/^[^.[]+: unknown field$/.test(error) ? `model.${error}` : error),
  );
  const rest = withoutMismatches(document, [...new Set(found.map((mismatch) => mismatch.pointer))]);
  if (typeof rest !== 'object' || rest === null) return { errors, body: null };
  const { version: _version, ...body } = rest as Record<string, unknown>;
  return { errors, body: Value.Check(BodySchema, body) ? body : null };
}
