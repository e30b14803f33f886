/**
 * The Kubernetes manifests, rendered with `kubectl kustomize` for both overlays: probes on
 * /readyz and /healthz, every secret reference pointing at a key of the rendered Secret, a
 * non-root read-only container, and the shape of each overlay (SQLite: one replica on a volume
 * claim; PostgreSQL: several). Skipped, with one line, where kubectl is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT, unknownSettings } from '../support/deploy-files.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!hasKubectl) console.warn('skipping the Kubernetes manifest suite: kubectl is not installed');

interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

function render(overlay: string): Manifest[] {
  const text = execFileSync('kubectl', ['kustomize', resolve(ROOT, 'deploy/kubernetes/overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((document) => document.toJS() as Manifest);
}

const only = (manifests: Manifest[], kind: string): Manifest => {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as Manifest;
};

describe.skipIf(!hasKubectl).each(['sqlite', 'postgresql'])('the %s overlay', (overlay) => {
  const manifests = hasKubectl ? render(overlay) : [];
  const deployment = () => only(manifests, 'Deployment');
  const container = () => deployment().spec.template.spec.containers[0];

  it('checks readiness on /readyz and liveness on /healthz, on the port the server listens on', () => {
    const main = container();
    const port = main.ports.find((candidate: { name: string }) => candidate.name === main.readinessProbe.httpGet.port);
    expect(main.readinessProbe.httpGet.path).toBe('/readyz');
    expect(main.livenessProbe.httpGet.path).toBe('/healthz');
    expect(main.livenessProbe.httpGet.port).toBe(main.readinessProbe.httpGet.port);
    const env = Object.fromEntries(
      main.env.filter((variable: { value?: string }) => variable.value !== undefined).map((variable: { name: string; value: string }) => [variable.name, variable.value]),
    );
    expect(String(port.containerPort)).toBe(env['KEYWARD_PORT']);
    expect(env['KEYWARD_HOST']).toBe('0.0.0.0');
  });

  it('takes the pepper and the database URL from keys of its Secret', () => {
    const secret = only(manifests, 'Secret');
    const keys = new Set(Object.keys({ ...secret.data, ...secret.stringData }));
    const references = container().env.filter((variable: { valueFrom?: unknown }) => variable.valueFrom !== undefined);
    const byName = Object.fromEntries(
      references.map((variable: { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }) => [variable.name, variable.valueFrom.secretKeyRef]),
    );
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['KEYWARD_PEPPER', 'KEYWARD_DATABASE_URL']));
    for (const [name, reference] of Object.entries(byName) as [string, { name: string; key: string }][]) {
      expect(reference.name, name).toBe(secret.metadata.name);
      expect(keys.has(reference.key), `${name} → ${reference.key}`).toBe(true);
    }
  });

  it('runs the container as non-root on a read-only root filesystem', () => {
    const pod = deployment().spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container().securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const mounts = container().volumeMounts.map((mount: { mountPath: string }) => mount.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/var/lib/keyward', '/tmp']));
  });

  it('selects its pods with the Service, the PodDisruptionBudget and the NetworkPolicy', () => {
    const labels = deployment().spec.template.metadata.labels;
    expect(labels).toMatchObject(only(manifests, 'Service').spec.selector);
    expect(labels).toMatchObject(only(manifests, 'PodDisruptionBudget').spec.selector.matchLabels);
    expect(labels).toMatchObject(only(manifests, 'NetworkPolicy').spec.podSelector.matchLabels);
  });

  it('sets only settings Keyward knows', () => {
    const names = container()
      .env.map((variable: { name: string }) => variable.name)
      .join('\n');
    expect(unknownSettings(names)).toEqual([]);
  });

  if (overlay === 'sqlite') {
    it('runs one replica on a volume claim, replaced (not rolled) on update, and can be drained', () => {
      const spec = deployment().spec;
      expect(spec.replicas).toBe(1);
      expect(spec.strategy.type).toBe('Recreate');
      const claim = only(manifests, 'PersistentVolumeClaim');
      expect(spec.template.spec.volumes.find((volume: { name: string }) => volume.name === 'data').persistentVolumeClaim.claimName).toBe(claim.metadata.name);
      expect(only(manifests, 'PodDisruptionBudget').spec).not.toHaveProperty('minAvailable');
    });
  } else {
    it('runs several replicas that keep one ready through disruptions and rollouts', () => {
      const spec = deployment().spec;
      expect(spec.replicas).toBeGreaterThanOrEqual(2);
      expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      expect(only(manifests, 'PodDisruptionBudget').spec.minAvailable).toBe(1);
      expect(only(manifests, 'Secret').stringData?.['database-url']).toMatch(/^postgres:\/\//);
      expect(manifests.some((manifest) => manifest.kind === 'PersistentVolumeClaim')).toBe(false);
    });
  }
});
