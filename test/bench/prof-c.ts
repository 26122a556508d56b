import { runCrossdock } from './relay.ts';
const flow = (process.argv[2] ?? 'first') as 'first' | 'shipped' | 'first-expectations';
const n = Number(process.argv[3] ?? 20000);
const r = await runCrossdock(flow, n, 200, 500);
console.log(JSON.stringify(r));
process.exit(0);
