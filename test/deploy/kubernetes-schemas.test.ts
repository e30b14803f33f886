/**
 * The base and both overlays, rendered with the pinned kustomize, hold only objects the Kubernetes
 * API (and the External Secrets Operator) would accept: each is checked against its kind's schema.
 */
import { describe, expect, it } from 'vitest';
import { schemaErrors } from './kubernetes-schemas.js';
import { hasKustomize, type Manifest, only, render, TARGETS } from './kustomize-render.js';

describe.skipIf(!hasKustomize)('the Kubernetes schemas', () => {
  it.each(TARGETS)('accept every object %s renders', async (target) => {
    const manifests = render(target);
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) {
      expect(await schemaErrors(manifest), `${target}: ${manifest.kind} ${manifest.metadata.name}`).toEqual([]);
    }
  });

  it('refuse an object that breaks its schema, and a kind they do not know', async () => {
    const deployment = only(render('overlays/postgresql'), 'Deployment', 'keyward');
    const broken: Manifest = { ...deployment, spec: { ...deployment.spec, replicas: 'three' } };
    expect((await schemaErrors(broken)).join('\n')).toMatch(/replicas must be integer/);
    const externalSecret = only(render('overlays/postgresql'), 'ExternalSecret');
    const noTarget: Manifest = { ...externalSecret, spec: { ...externalSecret.spec, data: [{ secretKey: 'pepper' }] } };
    expect((await schemaErrors(noTarget)).join('\n')).toMatch(/remoteRef/);
    expect(await schemaErrors({ ...deployment, kind: 'Deplyment' })).toEqual(['no schema for apps/v1 Deplyment']);
  });
});
