// Locks the run's DuckDB down before any dataset query runs: from then on it can touch no file but
// those under the folders the run still writes (the out folder it publishes from), and no setting can
// change again. A `query.sql` that reads `/etc/passwd` or copies the events elsewhere fails there.
import { type Duck, quotedString } from './duck.js';

/**
 * `allowedDirectories` stay readable and writable (the write stage COPYs the TSV there and reads it
 * back). Spilling to the temp directory is not external access and keeps working.
 */
export async function lockDown(duck: Duck, allowedDirectories: readonly string[]): Promise<void> {
  // A directory is allowed with its trailing slash: '/out' must not also allow '/out-of-bounds'.
  const directories = allowedDirectories.map((directory) =>
    quotedString(directory.endsWith('/') ? directory : `${directory}/`),
  );
  await duck.run(`
    SET allowed_directories = [${directories.join(', ')}];
    SET enable_external_access = false;
    SET lock_configuration = true;`);
}
