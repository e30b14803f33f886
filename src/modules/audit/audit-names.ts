/**
 * The names behind an audit page's ids (issue 26 item 6): the acting key's name and the target's,
 * read in one query per kind of target on the page, so a reader sees "ci-deploy" and hovers for
 * `key_…`. Only rows of the tenant the read covers are named: an event about another tenant's
 * row (a refused reach across) keeps its bare id. A deleted row has no name any more.
 */
import type { AuditEventObject } from '../../api/audit.js';
import type { Db } from '../../storage/database.js';

/** The tables whose rows an audit event may name, by the target type it records. */
const NAMED = {
  tenant: 'tenants',
  environment: 'environments',
  user: 'users',
  key: 'api_keys',
  policy: 'policies',
  group: 'groups',
  resource: 'resources',
} as const;

type NamedType = keyof typeof NAMED;
const isNamed = (type: string | null): type is NamedType => type !== null && Object.hasOwn(NAMED, type);

async function namesOf(db: Db, type: NamedType, ids: readonly string[], tenantId: string | undefined) {
  if (ids.length === 0) return new Map<string, string>();
  let select = db
    .selectFrom(NAMED[type])
    .select(['id', 'name'])
    .where('id', 'in', [...ids]);
  if (tenantId !== undefined) select = select.where(type === 'tenant' ? 'id' : 'tenant_id', '=', tenantId);
  return new Map((await select.execute()).map((row) => [row.id, row.name]));
}

/** `events` with `actorName` and `targetName` where a row of that id is still there to name them. */
export async function withNames(
  db: Db,
  events: readonly AuditEventObject[],
  tenantId: string | undefined,
): Promise<AuditEventObject[]> {
  const wanted = new Map<NamedType, Set<string>>();
  const want = (type: NamedType, id: string) => wanted.set(type, (wanted.get(type) ?? new Set()).add(id));
  for (const event of events) {
    if (event.actor.type === 'key') want('key', event.actor.keyId);
    const target = event.target;
    if (target !== null && target.id !== null && isNamed(target.type)) want(target.type, target.id);
  }
  const names = new Map<string, string>();
  for (const [type, ids] of wanted)
    for (const [id, name] of await namesOf(db, type, [...ids], tenantId)) names.set(`${type}:${id}`, name);
  return events.map((event) => {
    const actorName = event.actor.type === 'key' ? names.get(`key:${event.actor.keyId}`) : undefined;
    const target = event.target;
    const targetName = target === null ? undefined : names.get(`${target.type}:${target.id}`);
    return {
      ...event,
      ...(actorName === undefined ? {} : { actorName }),
      ...(targetName === undefined ? {} : { targetName }),
    };
  });
}
