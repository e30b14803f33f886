/**
 * Checks a rendered object against the schema of its kind: Kubernetes' own OpenAPI schemas as the
 * `kubernetes-models` package compiles them (ajv, one validator per kind), and the External
 * Secrets Operator's CRD schema from `@kubernetes-models/external-secrets`.
 */
import type { Manifest } from './kustomize-render.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Validatable;

/**
 * ExternalSecret `external-secrets.io/v1` is v1beta1 promoted unchanged for the fields used here
 * (ESO 0.16; 0.17 stopped serving v1beta1, so the manifests say v1). The models package that ships
 * the v1 schema needs Node 22; the v1beta1 schema of the one this Node runs checks the same fields.
 */
const SCHEMA_VERSION: Readonly<Record<string, string>> = { 'external-secrets.io/v1': 'external-secrets.io/v1beta1' };

function modulePath(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith('external-secrets.io/')) return `@kubernetes-models/external-secrets/${apiVersion}/${kind}`;
  // The core group has no name: `v1` lives at kubernetes-models/v1.
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const isModelClass = (value: unknown): value is ModelClass => typeof value === 'function';

/** The schema errors of one object; `[]` when it is valid. A kind with no schema is an error too. */
export async function schemaErrors(manifest: Manifest): Promise<string[]> {
  const apiVersion = SCHEMA_VERSION[manifest.apiVersion] ?? manifest.apiVersion;
  let module: Record<string, unknown>;
  try {
    module = (await import(modulePath(apiVersion, manifest.kind))) as Record<string, unknown>;
  } catch {
    return [`no schema for ${manifest.apiVersion} ${manifest.kind}`];
  }
  const Model = module[manifest.kind];
  if (!isModelClass(Model)) return [`no schema for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new Model({ ...manifest, apiVersion }).validate();
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
