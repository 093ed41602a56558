// Layers of a service's folders (deploy/local/folder-cycles.mjs checks them with the cycles):
// every folder under src/ of a listed service is in exactly one layer, and imports only from
// the layers its own layer may use. Files directly in src/ are the composition root.
export default {
  // Which layers a folder of each layer may import (its own layer included where listed).
  rules: {
    // Pure domain: the state machine, rules, arithmetic. Nothing of Nest, the database or
    // Kubernetes clients, and no feature: every feature builds on them.
    core: ['core'],
    // Adapters to the outside (Kubernetes, queues, Kafka topics, migrations, shared DTOs).
    infrastructure: ['core', 'infrastructure'],
    // The use cases and their APIs, on cores and infrastructure; a lower feature that needs
    // a higher one declares a port that the higher one provides.
    feature: ['core', 'infrastructure', 'feature'],
    // Controllers that drive features from observed state (the reconciler).
    controller: ['core', 'infrastructure', 'feature'],
    // Wiring that lists every folder (like src/*.ts): the data source's entity list.
    root: ['core', 'infrastructure', 'feature', 'controller', 'root'],
  },
  // Packages a layer may not import (a name, or its prefix before `/`): cores stay pure —
  // no Nest, no database, no Kubernetes, queue or Kafka clients, no service shell.
  forbidden: {
    core: [
      '@nestjs',
      'typeorm',
      'pg',
      '@kubernetes',
      'bullmq',
      'ioredis',
      'kafkajs',
      'class-validator',
      'class-transformer',
      '@maas/app',
      '@maas/auth',
      '@maas/database',
      '@maas/nest-events',
    ],
  },
  services: {
    deployments: {
      core: ['admission', 'catalog', 'lifecycle', 'validation', 'workloads'],
      infrastructure: ['common', 'events', 'jobs', 'kubernetes', 'migrations'],
      feature: [
        'auto-stop',
        'edge',
        'maintenance',
        'model-services',
        'model-square',
        'notifications',
        'pools',
        'preset-services',
        'quota-limits',
        'resource-usage',
        'service-events',
        'service-logs',
      ],
      controller: ['reconciler'],
      root: ['database'],
    },
    // iam: the aggregates' entities, repositories, events and errors are one lower layer
    // (store/), shared by every feature; IamTransactions (it snapshots every affected user's
    // permissions, so it needs all of them) sits above the store, CoreModule in src/.
    iam: {
      infrastructure: ['common', 'credentials', 'events', 'migrations', 'store', 'transactions'],
      feature: [
        'accounts',
        'agencies',
        'authorizations',
        'groups',
        'permissions',
        'policies',
        'quota-limits',
        'tokens',
        'users',
      ],
      root: ['database'],
    },
    // gateway: the answers and the request validation are pure (cores); the projections it
    // serves from (services, limit policies), the instance registry, the upstream proxy and
    // the usage recorder are adapters; inference (the pipeline) drives them all.
    gateway: {
      core: ['errors', 'validation'],
      infrastructure: ['directory', 'instances', 'policies', 'proxy', 'usage'],
      feature: ['auth', 'health', 'inference'],
    },
    // keys and quotas: CoreModule (the repositories every feature shares) and ConsumersService
    // (which topic feeds which feature) list features, so they are composition root in src/.
    keys: {
      infrastructure: ['events', 'migrations'],
      feature: ['api-keys', 'last-used', 'quota-limits'],
      root: ['database'],
    },
    quotas: {
      infrastructure: ['events', 'migrations'],
      feature: ['effective-limits', 'free-quota', 'limits', 'policies', 'usage'],
      root: ['database'],
    },
  },
};
