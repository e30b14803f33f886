/** Fixtures of webhook endpoints and their deliveries (SPEC §5: `tenant.manage`). */
import { newId } from '../../../src/core/ids.js';
import { insertDelivery } from '../../../src/modules/webhooks/outbox.js';
import { created } from '../../support/problem.js';
import type { Fixtures } from './fixture.js';
import type { World } from './world.js';

const TENANT = ['tenant.manage'];

async function newEndpoint(world: World): Promise<string> {
  return created(
    await world.home.admin.post('/v1/webhook-endpoints', {
      url: `https://hooks.example/${world.unique('hook')}`,
      events: ['key.revoked'],
      // Disabled: no node tries to send to hooks.example meanwhile.
      enabled: false,
    }),
  ).id;
}

/** A dead delivery of a new endpoint, as a receiver that never answered leaves one: what redelivery takes. */
async function deadDelivery(world: World): Promise<{ endpointId: string; deliveryId: string }> {
  const endpointId = await newEndpoint(world);
  const db = world.kw.keyward.storage.db;
  const now = world.clock.now();
  await db.transaction().execute((trx) =>
    insertDelivery(
      trx,
      {
        endpointId,
        tenantId: world.home.tenantId,
        environmentId: world.home.environmentId,
        type: 'key.revoked',
        keyId: null,
        messageId: newId('message', now),
        payload: '{}',
      },
      now,
    ),
  );
  const row = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'dead', attempts: 8 })
    .where('endpoint_id', '=', endpointId)
    .returning('id')
    .executeTakeFirstOrThrow();
  return { endpointId, deliveryId: row.id };
}

export const WEBHOOK_FIXTURES: Fixtures = {
  'POST /v1/webhook-endpoints': {
    prepare: async (world) => ({
      url: '/v1/webhook-endpoints',
      body: {
        tenantId: world.home.tenantId,
        url: 'https://hooks.example/new',
        events: ['key.created'],
        enabled: false,
      },
      needs: TENANT,
    }),
  },
  'GET /v1/webhook-endpoints': {
    prepare: async (world) => ({ url: `/v1/webhook-endpoints?tenantId=${world.home.tenantId}`, needs: TENANT }),
  },
  'GET /v1/webhook-endpoints/:id': {
    prepare: async (world) => ({ url: `/v1/webhook-endpoints/${await newEndpoint(world)}`, needs: TENANT }),
  },
  'PATCH /v1/webhook-endpoints/:id': {
    prepare: async (world) => ({
      url: `/v1/webhook-endpoints/${await newEndpoint(world)}`,
      body: { description: 'renamed' },
      needs: TENANT,
    }),
  },
  'DELETE /v1/webhook-endpoints/:id': {
    prepare: async (world) => ({ url: `/v1/webhook-endpoints/${await newEndpoint(world)}`, needs: TENANT }),
  },
  'POST /v1/webhook-endpoints/:id/rotate-secret': {
    prepare: async (world) => ({
      url: `/v1/webhook-endpoints/${await newEndpoint(world)}/rotate-secret`,
      body: { gracePeriodSeconds: 60 },
      needs: TENANT,
    }),
  },
  'GET /v1/webhook-endpoints/:id/deliveries': {
    prepare: async (world) => ({
      url: `/v1/webhook-endpoints/${(await deadDelivery(world)).endpointId}/deliveries`,
      needs: TENANT,
    }),
  },
  'POST /v1/webhook-endpoints/:id/deliveries/:deliveryId/redeliver': {
    prepare: async (world) => {
      const { endpointId, deliveryId } = await deadDelivery(world);
      return {
        url: `/v1/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/redeliver`,
        body: {},
        needs: TENANT,
      };
    },
  },
  'POST /v1/webhook-endpoints/:id/test': {
    prepare: async (world) => {
      const id = await newEndpoint(world);
      // Enabled for the test event, at an address no node can reach: it waits in the outbox.
      await world.home.admin.patch(`/v1/webhook-endpoints/${id}`, { enabled: true, url: 'https://hooks.invalid/x' });
      return { url: `/v1/webhook-endpoints/${id}/test`, body: {}, needs: TENANT };
    },
  },
};
