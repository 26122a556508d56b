/**
 * One `crossdock run` row of the runner section, alone, for profiling and quick comparisons:
 *   node --import tsx test/bench/one-row.ts [first|first-expectations|shipped] [orders]
 * prints the row as JSON. With CROSSDOCK_BENCH_CPU_PROF=DIR the runner writes V8 CPU profiles
 * there (one per thread); CROSSDOCK_VIEWS picks the operations views the runner folds.
 */
import { runCrossdock } from './relay.ts';

// One runner process, as in `npm run bench` (main.ts): the workers section measures more.
process.env.CROSSDOCK_WORKERS ??= '1';

const flow = (process.argv[2] ?? 'first') as 'first' | 'shipped' | 'first-expectations';
const n = Number(process.argv[3] ?? 20000);
const r = await runCrossdock(flow, n, 200, 500);
console.log(JSON.stringify(r));
process.exit(0);
