export { cacheKey, CACHE_FORMAT } from './key.js';
export { CompletionCache, ensurePrivateFile, corruptError, type CachedCompletion, type CacheStats } from './store.js';
