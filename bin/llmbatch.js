#!/usr/bin/env node
// A larger young generation: a run allocates many short-lived objects per request (HTTP client,
// JSON), and the default 16 MB semi-space made the scavenger the largest single CPU cost.
import { setFlagsFromString } from 'node:v8';
setFlagsFromString('--max-semi-space-size=64');
await import('../dist/cli/main.js');
