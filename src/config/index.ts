export { resolveSettings, loadConfigFile, loadRouteFile, parseDuration, DEFAULTS, type Settings, type Env, type Flags } from './resolve.js';
export { stateDir, defaultCachePath, ledgerPathFor } from './paths.js';
export type { RouteRule, ModelOverride, ConfigFile } from './schema.js';
