#!/usr/bin/env node
// The crossdock command. The sources are TypeScript; tsx compiles each module once at load
// (esbuild, cached), so there is no build step and no dist/ folder to fall out of date.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
