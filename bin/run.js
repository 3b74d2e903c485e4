#!/usr/bin/env node
// What users and PM2 start. Runs the compiled CLI in dist/ (built by `npm ci` through `prepare`).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
