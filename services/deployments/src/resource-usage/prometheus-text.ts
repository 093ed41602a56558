/** One sample of a Prometheus-format metric: its name, labels and value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

// name{labels} value [timestamp]: the text exposition format (version 0.0.4). Metric names
// may hold colons (vLLM's `vllm:num_requests_running`).
const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

/**
 * Parses the Prometheus text format, keeping only the samples whose name is in `names` (an
 * exporter page has hundreds of series; we need a handful). Comments, blank lines and lines
 * that do not parse are skipped: one odd line must not hide the figures we need.
 */
export function parsePrometheusText(text: string, names: ReadonlySet<string>): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match || !names.has(match[1])) continue;
    const labels = parseLabels(match[2] ?? '');
    const value = parseValue(match[3]);
    if (labels && value !== undefined) samples.push({ name: match[1], labels, value });
  }
  return samples;
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const match = LABEL.exec(text);
    if (!match) return text.slice(start).trim() === '' ? labels : undefined;
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseValue(text: string): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
