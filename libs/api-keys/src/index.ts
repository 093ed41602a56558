// @maas/api-keys: what the keys service and every verifier (the gateway) share about API
// keys: the secret's format and keyed hash, scope checks (application access, IP and model
// allowlists), and the key-verification projection of maas.keys.v1.
export {
  API_KEY_HASH_ALGORITHM,
  API_KEY_PATTERN,
  API_KEY_PREFIX,
  ApiKeyHasher,
  displayParts,
  generateApiKeySecret,
  looksLikeApiKey,
  MIN_PEPPER_LENGTH,
} from './secret.js';
export { parseCidr, ScopeMatcher, type KeyScope, type ScopeRefusal } from './scope.js';
export {
  KeyProjection,
  type ProjectedKey,
  type VerifyContext,
  type VerifyRefusal,
  type VerifyResult,
} from './key-projection.js';
export {
  KeyProjectionConsumer,
  type KeyProjectionConsumerOptions,
  type KeyProjectionStats,
} from './key-projection-consumer.js';
