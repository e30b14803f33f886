/**
 * The pods both overlays run, rendered with the pinned kustomize: how they start (migrations in an
 * init container, then a startup probe), how they stop (a preStop delay, then time to drain), how
 * they stay up (PodDisruptionBudget, rolling updates, spread over nodes and zones), and that they
 * run unprivileged with settings Keyward knows.
 */
import { describe, expect, it } from 'vitest';
import { unknownSettings } from '../support/deploy-files.js';
import {
  type Container,
  container,
  deploymentSpec,
  hasKustomize,
  type Manifest,
  only,
  plainEnv,
  type Probe,
  render,
  specField,
} from './kustomize-render.js';

/** The drain after SIGTERM: in-flight requests and the last key usage flush (docs/deploy.md). */
const DRAIN_BOUND_SECONDS = 30;

const STORAGE_SETTINGS = ['KEYWARD_DATABASE_URL', 'KEYWARD_DATABASE_SCHEMA', 'KEYWARD_DATA_DIR'];

const migrator = (manifests: Manifest[]): Container => {
  const found = (deploymentSpec(manifests).template.spec.initContainers ?? []).find(
    (candidate) => candidate.name === 'migrate',
  );
  expect(found, 'the migrate init container').toBeDefined();
  return found as Container;
};

const storageEnv = (of: Container) =>
  (of.env ?? [])
    .filter((variable) => STORAGE_SETTINGS.includes(variable.name))
    .sort((a, b) => a.name.localeCompare(b.name));

const probeWindowSeconds = (probe: Probe | undefined): number =>
  (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);

describe.skipIf(!hasKustomize).each(['overlays/sqlite', 'overlays/postgresql'])('the %s overlay', (overlay) => {
  const manifests = hasKustomize ? render(overlay) : [];

  it('waits for a first answer on /healthz before it checks readiness on /readyz and liveness on /healthz, on the port it listens on', () => {
    const main = container(manifests);
    expect(main.startupProbe?.httpGet?.path).toBe('/healthz');
    expect(main.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(main.livenessProbe?.httpGet?.path).toBe('/healthz');
    // Long enough for migrations and a database that comes up late, not a restart loop.
    expect(probeWindowSeconds(main.startupProbe)).toBeGreaterThanOrEqual(120);
    const portName = main.readinessProbe?.httpGet?.port;
    for (const probe of [main.startupProbe, main.livenessProbe]) expect(probe?.httpGet?.port).toBe(portName);
    const port = (main.ports ?? []).find((candidate) => candidate.name === portName);
    expect(String(port?.containerPort)).toBe(plainEnv(main)['KEYWARD_PORT']);
    expect(plainEnv(main)['KEYWARD_HOST']).toBe('0.0.0.0');
  });

  it('keeps answering through a preStop delay, then has time to drain before the kubelet kills it', () => {
    const command = container(manifests).lifecycle?.preStop?.exec?.command ?? [];
    expect(command[0]).toBe('sleep');
    const delay = Number(command[1]);
    expect(delay).toBeGreaterThanOrEqual(5);
    expect(deploymentSpec(manifests).template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
      delay + DRAIN_BOUND_SECONDS,
    );
  });

  it('applies pending migrations in an init container, from the same image and storage as the server', () => {
    const main = container(manifests);
    const migrate = migrator(manifests);
    expect(migrate.args).toEqual(['migrate']);
    expect(migrate.image).toBe(main.image);
    expect(storageEnv(migrate)).toEqual(storageEnv(main));
    const dataDir = plainEnv(main)['KEYWARD_DATA_DIR'];
    for (const each of [main, migrate]) expect(each.volumeMounts).toContainEqual({ name: 'data', mountPath: dataDir });
  });

  it('runs both containers as non-root on a read-only root filesystem', () => {
    const pod = deploymentSpec(manifests).template.spec;
    expect(pod.securityContext?.['runAsNonRoot']).toBe(true);
    for (const each of [container(manifests), migrator(manifests)]) {
      expect(each.securityContext, each.name).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(each.volumeMounts?.map((mount) => mount.mountPath)).toContain('/tmp');
    }
  });

  it('spreads its pods over nodes (never two on one while another has none) and over zones', () => {
    const labels = deploymentSpec(manifests).template.metadata.labels;
    const constraints = deploymentSpec(manifests).template.spec.topologySpreadConstraints ?? [];
    const byKey = new Map(constraints.map((constraint) => [constraint.topologyKey, constraint]));
    expect(byKey.get('kubernetes.io/hostname')).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' });
    expect(byKey.get('topology.kubernetes.io/zone')).toMatchObject({ maxSkew: 1 });
    for (const constraint of constraints)
      expect(labels).toMatchObject(constraint.labelSelector?.matchLabels ?? { missing: 'labelSelector' });
  });

  it('selects its pods with the Service, the PodDisruptionBudget and the NetworkPolicy', () => {
    const labels = deploymentSpec(manifests).template.metadata.labels;
    const selectors = [
      specField<Record<string, string>>(only(manifests, 'Service', 'keyward'), 'selector'),
      specField<{ matchLabels: Record<string, string> }>(only(manifests, 'PodDisruptionBudget', 'keyward'), 'selector')
        .matchLabels,
      specField<{ matchLabels: Record<string, string> }>(only(manifests, 'NetworkPolicy', 'keyward'), 'podSelector')
        .matchLabels,
    ];
    for (const selector of selectors) expect(labels).toMatchObject(selector);
  });

  it('sets only settings Keyward knows', () => {
    for (const each of [container(manifests), migrator(manifests)]) {
      expect(unknownSettings((each.env ?? []).map((variable) => variable.name).join('\n')), each.name).toEqual([]);
    }
  });

  if (overlay === 'overlays/sqlite') {
    it('runs one replica on a volume claim, replaced (not rolled) on update, that a node drain may move', () => {
      const spec = deploymentSpec(manifests);
      expect(spec.replicas).toBe(1);
      expect(spec.strategy?.type).toBe('Recreate');
      const claim = only(manifests, 'PersistentVolumeClaim');
      expect(
        spec.template.spec.volumes?.find((volume) => volume.name === 'data')?.persistentVolumeClaim?.claimName,
      ).toBe(claim.metadata.name);
      expect(only(manifests, 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1 });
    });
  } else {
    it('runs three replicas of which disruptions and rollouts leave at least two serving', () => {
      const spec = deploymentSpec(manifests);
      expect(spec.replicas).toBe(3);
      expect(spec.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
      const budget = only(manifests, 'PodDisruptionBudget', 'keyward').spec ?? {};
      const kept =
        typeof budget['minAvailable'] === 'number'
          ? budget['minAvailable']
          : (spec.replicas ?? 0) - Number(budget['maxUnavailable']);
      expect(kept).toBeGreaterThanOrEqual(2);
      expect(manifests.some((manifest) => manifest.kind === 'PersistentVolumeClaim')).toBe(false);
    });
  }
});
