import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { anyUnpack, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { repoRoot } from '@maas/testing';
import { describe, expect, it } from 'vitest';
import { buildEvent, ServiceState, ServiceStateChangedSchema } from '../src/index.js';

const run = promisify(execFile);

/**
 * SPEC §9: consumers outside the project decode events with the published .proto files
 * alone. This compiles proto/ with buf (no generated code involved) and decodes an envelope
 * our lib produced using nothing but the resulting descriptors.
 */
describe('the .proto files are the contract', () => {
  it('decode an envelope and its payload without the generated code', async () => {
    const { stdout } = await run(
      `${repoRoot}/node_modules/.bin/buf`,
      ['build', '--as-file-descriptor-set', '--exclude-source-info', '-o', '-#format=binpb'],
      { cwd: `${repoRoot}/proto`, encoding: 'buffer', timeout: 60_000 },
    );
    const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, stdout));

    const built = buildEvent({
      schema: ServiceStateChangedSchema,
      payload: {
        serviceId: 's-9',
        fromState: ServiceState.STARTING,
        toState: ServiceState.RUNNING,
        reason: 'instances_ready',
      },
      accountId: 'acc-1',
      projectId: 'proj-1',
      aggregateType: 'service',
      aggregateId: 's-9',
    });

    const envelopeType = registry.getMessage('maas.events.v1.Envelope');
    expect(envelopeType).toBeDefined();
    const envelope = fromBinary(envelopeType!, built.bytes) as unknown as Record<string, unknown>;
    expect(envelope).toMatchObject({
      eventId: built.envelope.eventId,
      type: 'maas.deployments.v1.ServiceStateChanged',
    });

    const payload = anyUnpack(
      envelope.payload as Parameters<typeof anyUnpack>[0],
      registry,
    ) as unknown as Record<string, unknown>;
    expect(payload).toMatchObject({
      serviceId: 's-9',
      fromState: 3,
      toState: 4,
      reason: 'instances_ready',
    });
  });
});
