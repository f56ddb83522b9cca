export type { Encoding, ModelInfo } from './types.js';
export { BUILTIN_MODELS, type RegistryEntry } from './builtin.js';
export {
  ModelRegistry,
  costOf,
  type MatchKind,
  type ModelLookup,
  type ModelOverride,
  type RegisteredModel,
  type Usage,
} from './registry.js';
