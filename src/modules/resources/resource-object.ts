/** A resource row as the API shows it; `value` only when the caller may read it and the type has one. */
import type { ResourceObject } from '../../api/resources.js';
import { checkResource, type TargetResource, type Visibility } from '../../core/check.js';
import { keyPosition } from '../../core/key-record.js';
import type { Caller } from '../deps.js';
import type { AuthModel } from '../../core/model/model.js';
import type { SecretBox } from '../../core/secret-box.js';
import { iso } from '../scope.js';
import type { ResourceRow } from './resources.repository.js';

export interface ValueCodec {
  readonly model: AuthModel;
  readonly secrets: SecretBox;
}

/** The value to store for a type: sealed for `secret` types, as given for `clear` ones. */
export function storedValue(codec: ValueCodec, type: string, id: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  return codec.model.types.get(type)?.value === 'secret' ? codec.secrets.seal(value, id) : value;
}

function shownValue(codec: ValueCodec, row: ResourceRow): string | null {
  if (row.value === null) return null;
  return codec.model.types.get(row.type)?.value === 'secret' ? codec.secrets.open(row.value, row.id) : row.value;
}

/**
 * A resource the caller may discover but not read (a catalogue entry it holds no grant on, or a
 * discoverer's): id, type, name, parent and visibility, nothing of its metadata, value or owner
 * (SPEC §3 step 4).
 */
export function toDiscoveredObject(row: ResourceRow, parentVisible: boolean): ResourceObject {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    parentId: parentVisible ? row.parent_id : null,
    visibility: row.visibility as Visibility,
  };
}

/**
 * `creatorVisible: false` (a reader from another tenant) hides the creating key's id.
 * `parentVisible: false` hides the parent's id from a caller that may see this resource but not
 * its parent (a grant on an agent does not reveal its project).
 */
export function toResourceObject(
  row: ResourceRow,
  codec: ValueCodec,
  withValue: boolean,
  parentVisible = true,
  creatorVisible = true,
): ResourceObject {
  const object: ResourceObject = {
    id: row.id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    type: row.type,
    name: row.name,
    externalId: row.external_id,
    parentId: parentVisible ? row.parent_id : null,
    visibility: row.visibility as Visibility,
    metadata: row.metadata,
    // Another tenant reading a PUBLIC resource learns nothing of the owner's keys.
    createdByKeyId: creatorVisible ? row.created_by_key_id : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
  if (withValue && codec.model.types.get(row.type)?.value !== 'none') object.value = shownValue(codec, row);
  return object;
}

/** Whether the caller may discover the row's parent; a parent it may not is not named to it. */
export function parentVisible(
  caller: Caller,
  row: ResourceRow,
  targets: ReadonlyMap<string, TargetResource> | null,
): boolean {
  if (row.parent_id === null || targets === null) return true;
  const parent = targets.get(row.parent_id);
  return parent !== undefined && checkResource(keyPosition(caller.key), caller.key.grants, 'discover', parent).allowed;
}
