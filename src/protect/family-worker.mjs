// A worker thread of family-solver.ts. Plain JavaScript: it registers the TypeScript loader itself, as
// bin/telemetry-publisher.js does, since a worker does not inherit the loader of the thread that made it.
import { register } from 'tsx/esm/api';

register();
await import('./family-worker-main.ts');
