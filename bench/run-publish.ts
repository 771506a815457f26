// Child process of the benchmark: runs the real CLI in-process and reports its own peak RSS, which
// includes DuckDB's native memory.
import { main } from '../src/cli.js';

const started = performance.now();
// BENCH_STDOUT=1 passes the summary through (bench/scale.ts reads the --json one).
const stdout =
  process.env.BENCH_STDOUT === '1' ? process.stdout : ({ write: () => true } as unknown as NodeJS.WritableStream);
const code = await main(process.argv.slice(2), undefined, stdout);
process.stderr.write(
  `BENCH ${JSON.stringify({ code, seconds: (performance.now() - started) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
process.exitCode = code;
