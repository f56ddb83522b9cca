// The V8 flags of the `llmbatch` command. They take effect only on node's command line, which
// is why bin/llmbatch.js passes them in its `#!/usr/bin/env -S node …` line (the installed
// command, npx and npm scripts run the file through it; a test checks the two agree).
// bin/llmbatch.js also sets them with v8.setFlagsFromString, which changes nothing for the heap
// once node is running, but makes V8's flag hash the same however node was started — so the
// provider's code cache, which the build writes under these flags (scripts/bundle-provider.js),
// is accepted by `node bin/llmbatch.js` too.
//
// A 64 MB young generation (semi-space; node's default is 16 MB): a run at -c 200 allocates
// ~150 KB per request (HTTP client, JSON) and keeps each request's objects for the ~200 ms the
// server takes, so with the default size most of them are copied by the scavenger and promoted
// to the old generation. Measured on 5,000 requests at -c 200: 75 scavenges, 594 ms of pauses,
// 206 MB promoted by default; 30 scavenges, 298 ms, 58 MB promoted with this flag.
export const V8_FLAGS = '--max-semi-space-size=64';
