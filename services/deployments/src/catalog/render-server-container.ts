import { type DomainError } from '@maas/errors';
import { type ModelServerContainer, type ResolvedModel } from './catalog.types.js';
import { FlavorNotSupportedError } from './catalog.errors.js';
import { fillPlaceholders } from './server-placeholders.js';

export interface RenderOptions {
  /** The name clients pass as `model`: the service's name (SPEC §8). */
  readonly servedModelName: string;
  readonly flavorId: string;
}

/**
 * Fills the resolved server template for one service: tensor parallelism over the NPUs of
 * one server, pipeline parallelism over the servers of a multi-node flavor.
 */
export function renderServerContainer(
  resolved: ResolvedModel,
  options: RenderOptions,
): ModelServerContainer | DomainError {
  const flavor = resolved.flavors.find((f) => f.id === options.flavorId);
  if (!flavor)
    return new FlavorNotSupportedError(
      resolved.variant.name,
      options.flavorId,
      resolved.variant.flavorIds,
    );
  const values = {
    served_model_name: options.servedModelName,
    port: String(resolved.server.port),
    weights: resolved.version.weights,
    context_length: String(resolved.variant.contextLength),
    tensor_parallel_size: String(flavor.npusPerNode),
    pipeline_parallel_size: String(flavor.nodesPerInstance),
  };
  return {
    image: resolved.version.image,
    command: [...resolved.server.command],
    args: resolved.server.args.map((arg) => fillPlaceholders(arg, values)),
    port: resolved.server.port,
    readinessPath: resolved.server.readinessPath,
  };
}
