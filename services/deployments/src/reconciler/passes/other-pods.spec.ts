import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { OtherPods } from './other-pods.js';

const node = (name: string): V1Node => ({ metadata: { name } });
const pod = (name: string, nodeName: string): V1Pod => ({
  metadata: { name },
  spec: { nodeName, containers: [] },
});

/** A kube stub whose lists answer when the test says; `now` is the test's clock. */
function world() {
  const lists: {
    selectors: unknown;
    answer: (items: V1Pod[]) => void;
    fail: (e: Error) => void;
  }[] = [];
  const kube = {
    listPods: (selectors: unknown) =>
      new Promise<{ items: V1Pod[] }>((resolve, reject) =>
        lists.push({ selectors, answer: (items) => resolve({ items }), fail: reject }),
      ),
  };
  const clock = { now: 0 };
  const others = new OtherPods(kube, 'inst', 3_000, () => clock.now);
  return { others, lists, clock };
}

describe('OtherPods', () => {
  it('lists every non-terminated pod not of this installation, and keeps those on the nodes asked', async () => {
    const { others, lists } = world();
    const read = others.on([node('n1')]);
    lists[0].answer([pod('a', 'n1'), pod('b', 'n2')]);
    expect((await read).map((p) => p.metadata?.name)).toEqual(['a']);
    expect(lists[0].selectors).toEqual({
      fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
      labelSelector: 'maas.io/installation!=inst',
      resourceVersion: '0',
    });
  });

  it('shares a list in flight and reuses its answer up to the max age after it was sent', async () => {
    const { others, lists, clock } = world();
    const first = others.on([node('n1')]);
    clock.now = 5_000; // still in flight: shared, however long it takes
    const second = others.on([node('n2')]);
    lists[0].answer([pod('a', 'n1'), pod('b', 'n2')]);
    expect((await first).map((p) => p.metadata?.name)).toEqual(['a']);
    expect((await second).map((p) => p.metadata?.name)).toEqual(['b']);
    expect(lists).toHaveLength(1);

    // Sent at 0: answers passes until 3 s after that, here 5 s — so the next pass lists.
    const third = others.on([node('n1')]);
    expect(lists).toHaveLength(2);
    lists[1].answer([pod('c', 'n1')]);
    expect((await third).map((p) => p.metadata?.name)).toEqual(['c']);
    clock.now = 8_000; // 3 s after the second list was sent
    expect((await others.on([node('n1')])).map((p) => p.metadata?.name)).toEqual(['c']);
    clock.now = 8_001;
    void others.on([node('n1')]);
    expect(lists).toHaveLength(3);
  });

  it('does not keep a failed list', async () => {
    const { others, lists } = world();
    const failed = others.on([node('n1')]);
    lists[0].fail(new Error('down'));
    await expect(failed).rejects.toThrow('down');
    const again = others.on([node('n1')]);
    expect(lists).toHaveLength(2);
    lists[1].answer([]);
    expect(await again).toEqual([]);
  });
});
