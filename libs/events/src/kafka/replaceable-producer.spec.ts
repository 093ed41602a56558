import { describe, expect, it } from 'vitest';
import { byTopic } from './replaceable-producer.js';

describe('byTopic', () => {
  it('groups by topic in order and passes a null value (a tombstone) through', () => {
    const groups = byTopic([
      { topic: 'a', key: 'k1', value: new Uint8Array([1]) },
      { topic: 'b', key: 'k2', value: null },
      { topic: 'a', key: 'k1', value: null },
    ]);
    expect(groups).toEqual([
      {
        topic: 'a',
        messages: [
          { key: 'k1', value: Buffer.from([1]) },
          { key: 'k1', value: null },
        ],
      },
      { topic: 'b', messages: [{ key: 'k2', value: null }] },
    ]);
  });
});
