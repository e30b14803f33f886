/**
 * Who may reach Keyward in Kubernetes and whose word it takes: the NetworkPolicy admits only the
 * labelled ingress and platform namespaces, X-Forwarded-For is believed only from the addresses
 * KEYWARD_TRUST_PROXY names (never a hop count), secrets come from an ExternalSecret and never
 * from a committed value, and the PostgreSQL overlay's nodes share rate limits through a Redis
 * only they can reach, each knowing its share (KEYWARD_NODES) from the replica count.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig, trustProxyOption } from '../../src/http/config.js';
import {
  container,
  deploymentSpec,
  hasKustomize,
  type Manifest,
  only,
  plainEnv,
  render,
  renderEdited,
  specField,
  TARGETS,
} from './kustomize-render.js';

interface PolicyPeer {
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  podSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: unknown;
}
interface PolicyRule {
  from?: PolicyPeer[];
  ports?: { port: number | string; protocol?: string }[];
}

const ingressRules = (policy: Manifest): PolicyRule[] => (policy.spec?.['ingress'] as PolicyRule[] | undefined) ?? [];

/** The client address Keyward sees for a request from `peer` carrying `forwardedFor`. */
async function clientAddress(trustProxy: string, peer: string, forwardedFor: string): Promise<string> {
  const app = Fastify({ trustProxy: trustProxyOption(loadConfig({ KEYWARD_TRUST_PROXY: trustProxy }).trustProxy) });
  app.get('/', (request) => ({ ip: request.ip }));
  try {
    const response = await app.inject({ url: '/', remoteAddress: peer, headers: { 'x-forwarded-for': forwardedFor } });
    return (response.json() as { ip: string }).ip;
  } finally {
    await app.close();
  }
}

describe.skipIf(!hasKustomize).each(TARGETS)('%s', (target) => {
  const manifests = hasKustomize ? render(target) : [];

  it('believes X-Forwarded-For only from the addresses and CIDRs it names, never from whoever connects', async () => {
    const trusted = plainEnv(container(manifests))['KEYWARD_TRUST_PROXY'] ?? '';
    const parsed = loadConfig({ KEYWARD_TRUST_PROXY: trusted }).trustProxy;
    expect(typeof parsed, 'a hop count believes the nearest caller, whoever it is').toBe('string');
    expect(String(parsed)).not.toMatch(/(^|,)(0\.0\.0\.0|::)\/0(,|$)/);
    const ingress = String(parsed).split(',')[0]?.split('/')[0] ?? '';
    // The ingress controller is believed; a caller outside the trusted range sending the header is not.
    expect(await clientAddress(trusted, ingress, '198.51.100.7')).toBe('198.51.100.7');
    expect(await clientAddress(trusted, '192.0.2.44', '198.51.100.7')).toBe('192.0.2.44');
  });

  it('admits connections only from pods of the labelled ingress and platform namespaces, on the port it serves', () => {
    const policy = only(manifests, 'NetworkPolicy', 'keyward');
    expect(policy.spec?.['policyTypes']).toContain('Ingress');
    const rules = ingressRules(policy);
    expect(rules.length).toBeGreaterThan(0);
    const admitted: Record<string, string>[] = [];
    for (const rule of rules) {
      // A rule without `from` admits every source, in the cluster and outside it.
      expect(rule.from?.length, 'a rule that admits everyone').toBeGreaterThan(0);
      for (const peer of rule.from ?? []) {
        expect(peer.ipBlock, 'an address block').toBeUndefined();
        expect(
          Object.keys(peer.namespaceSelector?.matchLabels ?? {}).length,
          'a namespace selector that matches every namespace',
        ).toBeGreaterThan(0);
        admitted.push(peer.namespaceSelector?.matchLabels ?? {});
      }
      expect(rule.ports?.map((port) => port.port)).toEqual([Number(plainEnv(container(manifests))['KEYWARD_PORT'])]);
    }
    expect(admitted).toEqual([{ 'keyward/access': 'ingress' }, { 'keyward/access': 'platform' }]);
  });

  it('ships no Secret: no secret value is committed, placeholder or not', () => {
    expect(
      manifests.filter(
        (manifest) => manifest.kind === 'Secret' || manifest.stringData !== undefined || manifest.data !== undefined,
      ),
    ).toEqual([]);
    expect(JSON.stringify(manifests)).not.toMatch(/REPLACE-?ME|changeme/i);
  });

  if (target !== 'base') {
    it('has the External Secrets Operator fill every Secret key its pods read', () => {
      const externalSecret = only(manifests, 'ExternalSecret');
      const spec = externalSecret.spec as {
        target: { name: string };
        data: { secretKey: string; remoteRef: { key: string } }[];
      };
      const filled = new Set(spec.data.map((entry) => entry.secretKey));
      for (const entry of spec.data) expect(entry.remoteRef.key, entry.secretKey).not.toBe('');
      const pod = deploymentSpec(manifests).template.spec;
      const references = [...pod.containers, ...(pod.initContainers ?? [])]
        .flatMap((each) => each.env ?? [])
        .flatMap((variable) => variable.valueFrom?.secretKeyRef ?? []);
      expect(references.map((reference) => reference.key)).toContain('pepper');
      for (const reference of references) {
        expect(reference, 'a Secret key the pod may start without').not.toHaveProperty('optional', true);
        expect(reference.name).toBe(spec.target.name);
        expect(filled.has(reference.key), reference.key).toBe(true);
      }
    });
  }
});

describe.skipIf(!hasKustomize)('the postgresql overlay', () => {
  const manifests = hasKustomize ? render('overlays/postgresql') : [];

  it('shares rate limits through a Redis of its own that only its pods can reach', () => {
    const url = new URL(plainEnv(container(manifests))['KEYWARD_REDIS_URL'] ?? 'redis://absent');
    const service = only(manifests, 'Service', url.hostname);
    expect(specField<{ port: number }[]>(service, 'ports').map((port) => String(port.port))).toContain(url.port);
    const redis = deploymentSpec(manifests, 'keyward-redis');
    expect(redis.template.metadata.labels).toMatchObject(specField<Record<string, string>>(service, 'selector'));
    expect(redis.template.spec.containers[0]?.image).toMatch(/^redis:[\w.-]+@sha256:[0-9a-f]{64}$/);
    const policy = only(manifests, 'NetworkPolicy', 'keyward-redis');
    expect(redis.template.metadata.labels).toMatchObject(
      specField<{ matchLabels: Record<string, string> }>(policy, 'podSelector').matchLabels,
    );
    const peers = ingressRules(policy).flatMap((rule) => rule.from ?? []);
    expect(peers).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keyward' } } }]);
    expect(deploymentSpec(manifests).template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'keyward' });
  });

  it('tells each node how many share the load (its fallback share while Redis is away): KEYWARD_NODES is the replica count', () => {
    expect(plainEnv(container(manifests))['KEYWARD_NODES']).toBe(String(deploymentSpec(manifests).replicas));
    expect(loadConfig(plainEnv(container(manifests))).nodes).toBe(3);
  });

  it('moves KEYWARD_NODES with the replica count when an operator changes it', () => {
    const scaled = renderEdited('overlays/postgresql', 'overlays/postgresql/kustomization.yaml', (text) =>
      text.replace(/count: 3\b/, 'count: 5'),
    );
    expect(deploymentSpec(scaled).replicas).toBe(5);
    expect(plainEnv(container(scaled))['KEYWARD_NODES']).toBe('5');
  });
});
