/**
 * The port through which service details get an edge service's call paths (SPEC §4, seed
 * 000 "Obtaining the Call Path", edge deployment mode). The edge folder implements it (from
 * the pool's access mode and the live edge Service) and provides it globally; without a
 * provider the call description has no edge part.
 */
export const EDGE_CALL_PATHS = Symbol('EDGE_CALL_PATHS');

/** The edge call paths of a service on an edge pool. */
export interface EdgeCall {
  readonly access_mode: 'load_balancing' | 'node';
  /** Full URLs of the chat completions API, one per load balancer address or node. */
  readonly urls: readonly string[];
  /** Why there is no URL yet (no address assigned, not running), or null. */
  readonly note: string | null;
}

export interface EdgeCallPaths {
  /** Null when the service's pool is not an edge pool. */
  of(service: {
    readonly id: string;
    readonly poolId: string;
    readonly k8sNamespace: string;
    readonly k8sName: string;
    readonly state: string;
  }): Promise<EdgeCall | null>;
}
