/** One line of a container log read with `timestamps=true`. */
export interface LogLine {
  readonly time: Date;
  readonly message: string;
}

export interface LogFilter {
  readonly search?: string;
  readonly since?: Date;
  readonly until?: Date;
}

/**
 * Parses a log read with timestamps (each line starts with an RFC 3339 nanosecond time and a
 * space) and keeps the lines matching the filter. Lines without a timestamp (a split
 * multi-line message) take the time of the line before them.
 */
export function parseLogLines(text: string, filter: LogFilter): LogLine[] {
  const lines: LogLine[] = [];
  let last: Date | null = null;
  for (const raw of text.split('\n')) {
    if (raw.length === 0) continue;
    const line = parseLine(raw, last);
    if (!line) continue;
    last = line.time;
    if (matches(line, filter)) lines.push(line);
  }
  return lines;
}

function parseLine(raw: string, previous: Date | null): LogLine | null {
  const space = raw.indexOf(' ');
  const stamp = space > 0 ? new Date(raw.slice(0, space)) : null;
  if (stamp && !Number.isNaN(stamp.getTime()))
    return { time: stamp, message: raw.slice(space + 1) };
  return previous ? { time: previous, message: raw } : null;
}

function matches(line: LogLine, { search, since, until }: LogFilter): boolean {
  if (since && line.time < since) return false;
  if (until && line.time >= until) return false;
  return !search || line.message.toLowerCase().includes(search.toLowerCase());
}
