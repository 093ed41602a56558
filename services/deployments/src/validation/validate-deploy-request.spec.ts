import { describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG } from '../catalog/built-in-catalog.js';
import { DEFAULT_QPS } from './limits.js';
import { type DeployServiceRequest, type PoolSnapshot } from './deploy-request.js';
import { InvalidDeployRequestError } from './deploy-validation.errors.js';
import { notificationTarget } from './notification-topic.js';
import {
  type DeploySpec,
  type DeployValidationContext,
  validateDeployRequest,
} from './validate-deploy-request.js';

const pools = new Map<string, PoolSnapshot>([
  [
    'pool-a',
    {
      id: 'pool-a',
      region: 'cn-hongkong',
      flavorIds: ['ascend-910b-1', 'ascend-910b-2', 'ascend-910b-8', 'ascend-910b-2x8'],
    },
  ],
  ['pool-eu', { id: 'pool-eu', region: 'eu-west', flavorIds: ['ascend-910b-1'] }],
]);
const context: DeployValidationContext = {
  catalog: BUILT_IN_CATALOG,
  pools,
  region: 'cn-hongkong',
};

const base: DeployServiceRequest = {
  service_name: 'qwen3-chat',
  config: [
    {
      model_id: 'qwen3-8b',
      specification: 'ascend-910b-1',
      instance_count: 2,
      cluster_id: 'pool-a',
    },
  ],
};

type Body = Record<string, unknown>;

/** The request with some top-level or config[0] fields replaced (undefined: left out). */
function request(top: Body = {}, config: Body = {}): DeployServiceRequest {
  return { ...base, config: [{ ...base.config[0], ...config }], ...top };
}

function accepted(body: DeployServiceRequest, ctx = context): DeploySpec {
  const result = validateDeployRequest(body, ctx);
  if (result instanceof InvalidDeployRequestError) throw new Error(result.message);
  return result;
}

/** The fields named by the error, in order. */
function refusedFields(body: DeployServiceRequest, ctx = context): string[] {
  const result = validateDeployRequest(body, ctx);
  if (!(result instanceof InvalidDeployRequestError)) throw new Error('accepted');
  expect(result.kind).toBe('validation');
  expect(result.code).toBe('DEPLOY.0301');
  return result.fields.map((f) => f.field);
}

describe('a valid deploy request', () => {
  it('is normalized with the defaults filled in', () => {
    const spec = accepted(base);
    expect(spec).toMatchObject({
      serviceName: 'qwen3-chat',
      description: '',
      instances: 2,
      poolId: 'pool-a',
      qps: DEFAULT_QPS,
      notification: null,
      autoStop: null,
    });
    expect(spec.resolved.model.id).toBe('qwen3-8b');
    expect(spec.resolved.version.version).toBe('1.0.1');
    expect(spec.resolved.variant.id).toBe('32k');
    expect(spec.flavor.id).toBe('ascend-910b-1');
  });

  it('keeps every optional setting', () => {
    const spec = accepted(
      request(
        {
          description: 'chat bot',
          qps: 20,
          event_notification: { enabled: true, topic: 'ops.alerts', events: ['Running', 'Failed'] },
          schedule: [{ type: 'stop', time_unit: 'HOURS', duration: 2 }],
        },
        { model_version: '1.0.0', variant: '32k' },
      ),
    );
    expect(spec).toMatchObject({
      description: 'chat bot',
      qps: 20,
      notification: { topic: 'ops.alerts', events: ['Running', 'Failed'] },
      autoStop: { durationMinutes: 120 },
    });
    expect(spec.resolved.version.version).toBe('1.0.0');
  });
});

describe('service_name: 1–64 letters, digits, -, _, starting with a letter', () => {
  it.each(['a', 'A'.repeat(64), 'my-service_2', 'Z9'])('accepts %s', (name) => {
    expect(accepted(request({ service_name: name })).serviceName).toBe(name);
  });

  it.each([
    '',
    'a'.repeat(65),
    '1service',
    '-service',
    '_service',
    'my service',
    'my.service',
    'sérvice',
    42,
    undefined,
  ])('refuses %j', (name) => {
    expect(refusedFields(request({ service_name: name }))).toEqual(['service_name']);
  });
});

describe('description: at most 256 characters', () => {
  it('accepts 256 characters, counting emoji as one', () => {
    expect(accepted(request({ description: 'x'.repeat(256) })).description).toHaveLength(256);
    expect(() => accepted(request({ description: '😀'.repeat(256) }))).not.toThrow();
  });

  it.each(['x'.repeat(257), 5])('refuses %j', (description) => {
    expect(refusedFields(request({ description }))).toEqual(['description']);
  });
});

describe('config: exactly one model', () => {
  it.each([undefined, [], 'x'])('refuses config %j', (config) => {
    expect(refusedFields(request({ config }))).toEqual(['config']);
  });

  it('refuses two models', () => {
    expect(refusedFields(request({ config: [base.config[0], base.config[0]] }))).toEqual([
      'config',
    ]);
  });
});

describe('model from Model Square', () => {
  it.each(['gpt-4', '', undefined])('refuses model_id %j', (model_id) => {
    expect(refusedFields(request({}, { model_id }))).toEqual(['config[0].model_id']);
  });

  it('refuses a version the model does not have', () => {
    expect(refusedFields(request({}, { model_version: '2.0.0' }))).toEqual([
      'config[0].model_version',
    ]);
  });

  it('needs a variant when the model has several', () => {
    const body = request({}, { model_id: 'deepseek-r1', specification: 'ascend-910b-2x8' });
    expect(refusedFields(body)).toEqual(['config[0].variant']);
  });

  it('refuses an unknown variant', () => {
    expect(refusedFields(request({}, { variant: '8k' }))).toEqual(['config[0].variant']);
  });
});

describe('flavor the model supports', () => {
  it('refuses a flavor the variant does not run on', () => {
    const result = validateDeployRequest(request({}, { specification: 'ascend-910b-8' }), context);
    expect(result).toBeInstanceOf(InvalidDeployRequestError);
    expect((result as InvalidDeployRequestError).fields).toEqual([
      {
        field: 'config[0].specification',
        messages: [
          'config[0].specification must be a flavor Qwen3-8B-32K runs on: ascend-910b-1, ascend-910b-2',
        ],
      },
    ]);
  });

  it('refuses a missing flavor', () => {
    expect(refusedFields(request({}, { specification: undefined }))).toEqual([
      'config[0].specification',
    ]);
  });
});

describe('instances >= 1', () => {
  it.each([1, 128])('accepts %s', (instance_count) => {
    expect(accepted(request({}, { instance_count })).instances).toBe(instance_count);
  });

  it.each([0, -1, 1.5, 129, '2', undefined])('refuses %j', (instance_count) => {
    expect(refusedFields(request({}, { instance_count }))).toEqual(['config[0].instance_count']);
  });
});

describe('dedicated pool in the same region that offers the flavor', () => {
  it('refuses a missing pool id', () => {
    expect(refusedFields(request({}, { cluster_id: '' }))).toEqual(['config[0].cluster_id']);
  });

  it('refuses a pool the project does not have', () => {
    expect(refusedFields(request({}, { cluster_id: 'pool-x' }))).toEqual(['config[0].cluster_id']);
  });

  it('refuses a pool in another region', () => {
    expect(refusedFields(request({}, { cluster_id: 'pool-eu' }))).toEqual(['config[0].cluster_id']);
  });

  it('refuses a flavor the pool does not offer', () => {
    const ctx = {
      ...context,
      pools: new Map([
        ['pool-a', { id: 'pool-a', region: 'cn-hongkong', flavorIds: ['ascend-910b-2'] }],
      ]),
    };
    expect(refusedFields(base, ctx)).toEqual(['config[0].specification']);
  });

  it('checks only the id when no pools are given', () => {
    expect(accepted(base, { catalog: BUILT_IN_CATALOG }).poolId).toBe('pool-a');
  });
});

describe('QPS > 0', () => {
  it.each([1, 100_000])('accepts %s', (qps) => {
    expect(accepted(request({ qps })).qps).toBe(qps);
  });

  it.each([0, -1, 0.5, 100_001, '10'])('refuses %j', (qps) => {
    expect(refusedFields(request({ qps }))).toEqual(['qps']);
  });
});

describe('event notification: off by default; topic + a subset of the events', () => {
  it('is off when disabled, whatever else is given', () => {
    expect(
      accepted(request({ event_notification: { enabled: false, events: ['Nope'] } })).notification,
    ).toBeNull();
  });

  it('de-duplicates events', () => {
    const spec = accepted(
      request({
        event_notification: {
          enabled: true,
          topic: 't',
          events: ['Failed', 'Failed', 'Terminated'],
        },
      }),
    );
    expect(spec.notification?.events).toEqual(['Failed', 'Terminated']);
  });

  it('needs enabled to be a boolean', () => {
    expect(refusedFields(request({ event_notification: { enabled: 'yes' } }))).toEqual([
      'event_notification.enabled',
    ]);
  });

  it.each([undefined, '', 'has space', 'x'.repeat(250), '-dash'])('refuses topic %j', (topic) => {
    const body = request({ event_notification: { enabled: true, topic, events: ['Running'] } });
    expect(refusedFields(body)).toEqual(['event_notification.topic']);
  });

  it.each(['maas.keys.v1', '__consumer_offsets'])('refuses the reserved topic %j', (topic) => {
    const body = request({ event_notification: { enabled: true, topic, events: ['Running'] } });
    expect(refusedFields(body)).toEqual(['event_notification.topic']);
  });

  it('accepts an https:// webhook URL as the topic', () => {
    const topic = 'https://hooks.example.com/maas?team=ops';
    const spec = accepted(
      request({ event_notification: { enabled: true, topic, events: ['Running'] } }),
    );
    expect(spec.notification?.topic).toBe(topic);
    expect(notificationTarget(topic)).toEqual({ kind: 'webhook', url: topic });
    expect(notificationTarget('ops.alerts')).toEqual({ kind: 'kafka', topic: 'ops.alerts' });
  });

  it.each([
    'http://127.0.0.1:9000/hook',
    'ftp://example.com/x',
    'https://user:secret@example.com/hook',
    'https://example.com/hook#frag',
    `https://example.com/${'x'.repeat(2048)}`,
  ])('refuses the webhook %j by default', (topic) => {
    const body = request({ event_notification: { enabled: true, topic, events: ['Running'] } });
    expect(refusedFields(body)).toEqual(['event_notification.topic']);
  });

  it('accepts http:// webhooks where the installation allows them', () => {
    const topic = 'http://127.0.0.1:9000/hook';
    const body = request({ event_notification: { enabled: true, topic, events: ['Failed'] } });
    expect(accepted(body, { ...context, allowHttpWebhooks: true }).notification?.topic).toBe(topic);
  });

  it.each([undefined, []])('refuses events %j', (events) => {
    const body = request({ event_notification: { enabled: true, topic: 't', events } });
    expect(refusedFields(body)).toEqual(['event_notification.events']);
  });

  it('names each event that is not subscribable', () => {
    const body = request({
      event_notification: { enabled: true, topic: 't', events: ['Running', 'Exploded', 'running'] },
    });
    expect(refusedFields(body)).toEqual([
      'event_notification.events[1]',
      'event_notification.events[2]',
    ]);
  });
});

describe('auto stop: off by default; 1, 2, 4, 6 hours or custom', () => {
  it.each([1, 2, 4, 6, 24])('accepts %s hours', (duration) => {
    const spec = accepted(request({ schedule: [{ type: 'stop', time_unit: 'HOURS', duration }] }));
    expect(spec.autoStop).toEqual({ durationMinutes: duration * 60 });
  });

  it('accepts a custom number of minutes', () => {
    const spec = accepted(
      request({ schedule: [{ type: 'stop', time_unit: 'MINUTES', duration: 5 }] }),
    );
    expect(spec.autoStop).toEqual({ durationMinutes: 5 });
  });

  it('is off when empty', () => {
    expect(accepted(request({ schedule: [] })).autoStop).toBeNull();
  });

  it.each<[unknown, string]>([
    [[{ type: 'start', time_unit: 'HOURS', duration: 1 }], 'schedule[0].type'],
    [[{ type: 'stop', time_unit: 'DAYS', duration: 1 }], 'schedule[0].time_unit'],
    [[{ type: 'stop', time_unit: 'HOURS', duration: 0 }], 'schedule[0].duration'],
    [[{ type: 'stop', time_unit: 'HOURS', duration: 25 }], 'schedule[0].duration'],
    [[{ type: 'stop', time_unit: 'MINUTES', duration: 1441 }], 'schedule[0].duration'],
    [[{ type: 'stop', time_unit: 'HOURS', duration: 1.5 }], 'schedule[0].duration'],
    [[{ type: 'stop', time_unit: 'HOURS' }], 'schedule[0].duration'],
    [{ type: 'stop' }, 'schedule'],
    [
      [
        { type: 'stop', time_unit: 'HOURS', duration: 1 },
        { type: 'stop', time_unit: 'HOURS', duration: 2 },
      ],
      'schedule',
    ],
  ])('refuses %j', (schedule, field) => {
    expect(refusedFields(request({ schedule }))).toEqual([field]);
  });
});

describe('every problem at once', () => {
  it('names every bad field in one error', () => {
    const result = validateDeployRequest(
      request(
        {
          service_name: '9lives',
          description: 'x'.repeat(300),
          qps: 0,
          event_notification: { enabled: true, events: ['Nope'] },
          schedule: [{ type: 'stop', time_unit: 'HOURS', duration: 0 }],
        },
        {
          model_version: '7.0.0',
          specification: 'ascend-910b-8',
          instance_count: 0,
          cluster_id: 'pool-x',
        },
      ),
      context,
    );
    expect(result).toBeInstanceOf(InvalidDeployRequestError);
    const error = result as InvalidDeployRequestError;
    expect(error.fields.map((f) => f.field)).toEqual([
      'service_name',
      'description',
      'config[0].model_version',
      'config[0].specification',
      'config[0].instance_count',
      'config[0].cluster_id',
      'qps',
      'event_notification.topic',
      'event_notification.events[0]',
      'schedule[0].duration',
    ]);
    expect(error.details).toEqual({ fields: error.fields });
    expect(error.message).toMatch(
      /^Invalid deploy request: service_name must be 1 to 64 characters/,
    );
  });

  it('refuses a body that is not an object', () => {
    expect(refusedFields(null as unknown as DeployServiceRequest)).toEqual([
      'service_name',
      'config',
    ]);
  });
});
