// The V8 flags bin/llmbatch.js sets before loading anything. The build writes the provider's
// code cache under the same flags (scripts/bundle-provider.js): V8 ignores a cache made under
// other flags.
//
// A larger young generation (64 MB semi-spaces; node's default is 16 MB). Set at run time, it
// does not resize the main thread's heap, which node configures at start-up, but it applies to
// the worker threads started afterwards: the token counters of `estimate` and `compare`, which
// allocate heavily. Passing it to node itself (a `#!/usr/bin/env -S node …` line) was measured
// and not kept: it halved the main thread's scavenge time in a 5,000-request run, but made
// `estimate`'s peak RSS grow with the number of files (5,000 → 20,000 files: ×1.27, against
// ×1.11), which issue 2's target forbids. test/e2e/bin.test.ts checks what is claimed here.
export const V8_FLAGS = '--max-semi-space-size=64';
