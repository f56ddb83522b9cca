// The V8 flags bin/llmbatch.js sets before loading anything. The build writes the provider's
// code cache under the same flags (scripts/bundle-provider.js): V8 ignores a cache made under
// other flags.
//
// A larger young generation: a run allocates many short-lived objects per request (HTTP client,
// JSON), and the default 16 MB semi-space made the scavenger the largest single CPU cost.
export const V8_FLAGS = '--max-semi-space-size=64';
