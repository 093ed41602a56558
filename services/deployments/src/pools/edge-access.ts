import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type FieldProblem } from '../validation/invalid-fields.error.js';

/**
 * Edge pools (SPEC §4, seed 000 "Obtaining the Call Path", edge deployment mode): nodes outside
 * the data centre, called directly rather than through the gateway, in one of two modes:
 * - `load_balancing`: a LoadBalancer Service per model service; call path
 *   `http://{load balancer address}:{port}{api_url}/{inference path}`;
 * - `node`: a NodePort Service per model service; call path
 *   `http://{node address}:{node port}/{inference path}` on each node running an instance.
 */
export const EDGE_ACCESS_MODES = ['load_balancing', 'node'] as const;
export type EdgeAccessMode = (typeof EDGE_ACCESS_MODES)[number];

/** The edge settings of a pool as stored (column `edge`, jsonb); null: not an edge pool. */
export interface PoolEdge {
  readonly accessMode: EdgeAccessMode;
  /** load_balancing: the load balancer's port. */
  readonly port: number | null;
  /** load_balancing: the path prefix of the API on the load balancer ("" or "/a/b"). */
  readonly apiUrl: string;
  /** node: a fixed node port; null: Kubernetes assigns one (30000-32767 by default). */
  readonly nodePort: number | null;
}

export const DEFAULT_EDGE_PORT = 80;
const API_URL = /^(\/[A-Za-z0-9._~-]+)*$/;
const MAX_API_URL = 128;
// The API server's default --service-node-port-range.
const NODE_PORT_MIN = 30_000;
const NODE_PORT_MAX = 32_767;

export class EdgeAccessDto {
  @ApiProperty({ enum: EDGE_ACCESS_MODES, description: 'How callers reach the pool' })
  access_mode!: EdgeAccessMode;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: 65_535,
    description: `load_balancing only: the load balancer's port (default ${DEFAULT_EDGE_PORT})`,
  })
  port!: number | null;

  @ApiProperty({
    description:
      'load_balancing only: the API URL, a path prefix on the load balancer in front of the ' +
      'inference path ("" or e.g. "/maas/qwen"; default "")',
    pattern: API_URL.source,
  })
  api_url!: string;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: NODE_PORT_MIN,
    maximum: NODE_PORT_MAX,
    description: 'node only: a fixed host (node) port; null: Kubernetes assigns one',
  })
  node_port!: number | null;
}

/** The `edge` of a pool create: only the mode is required, the rest has defaults. */
export class EdgeAccessRequest {
  @ApiProperty({ enum: EDGE_ACCESS_MODES, description: 'How callers reach the pool' })
  access_mode!: EdgeAccessMode;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: 65_535,
    description: `load_balancing only: the load balancer's port (default ${DEFAULT_EDGE_PORT})`,
  })
  port?: number | null;

  @ApiPropertyOptional({
    description: 'load_balancing only: the API URL, a path prefix before the inference path',
    pattern: API_URL.source,
    maxLength: MAX_API_URL,
  })
  api_url?: string;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: NODE_PORT_MIN,
    maximum: NODE_PORT_MAX,
    description: 'node only: a fixed host (node) port; null or absent: Kubernetes assigns one',
  })
  node_port?: number | null;
}

export function edgeResponse(edge: PoolEdge | null): EdgeAccessDto | null {
  return edge
    ? {
        access_mode: edge.accessMode,
        port: edge.port,
        api_url: edge.apiUrl,
        node_port: edge.nodePort,
      }
    : null;
}

const problem = (field: string, text: string): FieldProblem => ({
  field: `edge.${field}`,
  problem: text,
});

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Checks the `edge` field of a pool create; null (or absent) is a pool in the data centre. */
export function checkEdge(input: unknown): { value: PoolEdge | null; problems: FieldProblem[] } {
  if (input === undefined || input === null) return { value: null, problems: [] };
  if (typeof input !== 'object' || Array.isArray(input))
    return { value: null, problems: [{ field: 'edge', problem: 'must be an object or null' }] };
  const body = input as Record<string, unknown>;
  const unknown = Object.keys(body).filter(
    (k) => !['access_mode', 'port', 'api_url', 'node_port'].includes(k),
  );
  const problems = unknown.map((k) => problem(k, 'is not a field of edge'));
  const mode = body.access_mode;
  if (mode !== 'load_balancing' && mode !== 'node') {
    problems.push(problem('access_mode', `must be one of ${EDGE_ACCESS_MODES.join(', ')}`));
    return { value: null, problems };
  }
  const checked = mode === 'node' ? checkNode(body) : checkLoadBalancing(body);
  problems.push(...checked.problems);
  return { value: problems.length === 0 ? checked.value : null, problems };
}

function checkLoadBalancing(body: Record<string, unknown>) {
  const problems: FieldProblem[] = [];
  const port = body.port ?? DEFAULT_EDGE_PORT;
  if (!isInt(port, 1, 65_535)) problems.push(problem('port', 'must be an integer 1-65535'));
  const apiUrl = body.api_url ?? '';
  if (typeof apiUrl !== 'string' || apiUrl.length > MAX_API_URL || !API_URL.test(apiUrl))
    problems.push(
      problem(
        'api_url',
        `must be "" or a path such as /maas/qwen (segments of A-Z a-z 0-9 . _ ~ -, at most ${MAX_API_URL} characters)`,
      ),
    );
  if (body.node_port !== undefined && body.node_port !== null)
    problems.push(problem('node_port', 'applies to access_mode node only'));
  const value: PoolEdge = {
    accessMode: 'load_balancing',
    port: port as number,
    apiUrl: apiUrl as string,
    nodePort: null,
  };
  return { value, problems };
}

function checkNode(body: Record<string, unknown>) {
  const problems: FieldProblem[] = [];
  const nodePort = body.node_port ?? null;
  if (nodePort !== null && !isInt(nodePort, NODE_PORT_MIN, NODE_PORT_MAX))
    problems.push(
      problem('node_port', `must be an integer ${NODE_PORT_MIN}-${NODE_PORT_MAX} or null`),
    );
  // What the API shows for a node-mode pool (port null, api_url "") is accepted back.
  for (const field of ['port', 'api_url'])
    if (![undefined, null, ''].includes(body[field] as string | null | undefined))
      problems.push(problem(field, 'applies to access_mode load_balancing only'));
  const value: PoolEdge = {
    accessMode: 'node',
    port: null,
    apiUrl: '',
    nodePort: nodePort as number | null,
  };
  return { value, problems };
}
