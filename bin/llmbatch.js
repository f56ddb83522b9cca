#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { V8_FLAGS } from './v8-flags.js';
setFlagsFromString(V8_FLAGS);
await import('../dist/cli/main.js');
