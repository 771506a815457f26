#!/usr/bin/env node
// The command cron runs. The job is TypeScript run directly (no build step): tsx registers the loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
