import { describe, expect, it } from 'vitest';
import { parseLogLines } from './log-lines.js';

const text = [
  '2026-11-22T10:00:00.123456789Z INFO loading weights',
  '2026-11-22T10:00:05.000000000Z ERROR out of NPU memory',
  'Traceback (most recent call last):',
  '2026-11-22T10:00:09.500000000Z INFO server ready',
  '',
].join('\n');

describe('parseLogLines', () => {
  it('parses the timestamps the API prefixes (continuation lines take the previous time)', () => {
    const lines = parseLogLines(text, {});
    expect(lines.map((l) => l.message)).toEqual([
      'INFO loading weights',
      'ERROR out of NPU memory',
      'Traceback (most recent call last):',
      'INFO server ready',
    ]);
    expect(lines[2].time.toISOString()).toBe('2026-11-22T10:00:05.000Z');
  });

  it('filters by text, case-insensitively, and by time (since inclusive, until exclusive)', () => {
    expect(parseLogLines(text, { search: 'error' }).map((l) => l.message)).toEqual([
      'ERROR out of NPU memory',
    ]);
    const window = parseLogLines(text, {
      since: new Date('2026-11-22T10:00:05Z'),
      until: new Date('2026-11-22T10:00:09.5Z'),
    });
    expect(window.map((l) => l.message)).toEqual([
      'ERROR out of NPU memory',
      'Traceback (most recent call last):',
    ]);
  });

  it('drops leading lines without a time', () => {
    expect(parseLogLines('no time here\n', {})).toEqual([]);
  });
});
