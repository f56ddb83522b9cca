#!/usr/bin/env -S node --max-semi-space-size=64
// The flags on the line above are bin/v8-flags.js's (see there; a test keeps them equal).
import { setFlagsFromString } from 'node:v8';
import { V8_FLAGS } from './v8-flags.js';
setFlagsFromString(V8_FLAGS);
await import('../dist/cli/main.js');
