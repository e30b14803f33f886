/**
 * Fixtures of webhook keys (SPEC §5: `webhooks.manage`, environment-scoped; verify also with `run`
 * on the bound webhook). The target is a GitHub-scheme key of the home environment bound to a
 * webhook there, signing GitHub's documented example, so the control's verify answers valid.
 */
import { created } from '../../support/problem.js';
import type { Fixtures } from './fixture.js';
import type { World } from './world.js';

const MANAGE = ['webhooks.manage'];
/** Everything that lets a key run a top-level webhook, besides managing webhook keys. */
const RUN_THE_WEBHOOK = ['webhooks.manage', 'functions.execute', 'webhook:owner', 'org:admin'];

const GITHUB = {
  secret: "It's a Secret to Everybody",
  request: {
    headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
    body: 'Hello, World!',
  },
};

async function newWebhookKey(world: World): Promise<string> {
  const webhookId = created(
    await world.home.admin.post('/v1/resources', { type: 'webhook', name: world.unique('hook') }),
  ).id as string;
  return created(
    await world.home.admin.post('/v1/webhook-keys', {
      name: world.unique('webhook-key'),
      scheme: 'github',
      secret: GITHUB.secret,
      webhookId,
    }),
  ).id;
}

export const WEBHOOK_KEY_FIXTURES: Fixtures = {
  'POST /v1/webhook-keys': {
    prepare: async (world) => ({
      url: '/v1/webhook-keys',
      body: { environmentId: world.home.environmentId, name: world.unique('webhook-key'), scheme: 'slack' },
      needs: MANAGE,
    }),
  },
  'GET /v1/webhook-keys': {
    prepare: async (world) => ({ url: `/v1/webhook-keys?environmentId=${world.home.environmentId}`, needs: MANAGE }),
  },
  'GET /v1/webhook-keys/:id': {
    prepare: async (world) => ({ url: `/v1/webhook-keys/${await newWebhookKey(world)}`, needs: MANAGE }),
  },
  'DELETE /v1/webhook-keys/:id': {
    prepare: async (world) => ({ url: `/v1/webhook-keys/${await newWebhookKey(world)}`, needs: MANAGE }),
  },
  'POST /v1/webhook-keys/:id/rotate': {
    prepare: async (world) => ({
      url: `/v1/webhook-keys/${await newWebhookKey(world)}/rotate`,
      body: { gracePeriodSeconds: 60 },
      needs: MANAGE,
    }),
  },
  'POST /v1/webhook-keys/:id/verify': {
    // A signature check changes nothing: its control leaves the change mark where it was.
    changesNothing: true,
    prepare: async (world) => ({
      url: `/v1/webhook-keys/${await newWebhookKey(world)}/verify`,
      body: GITHUB.request,
      needs: RUN_THE_WEBHOOK,
      keeps: ['webhook:viewer'],
    }),
  },
};
