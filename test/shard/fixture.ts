// A small quarter for sharded runs, and what two targets are compared by.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type ArchiveEvent, event, machines, snapshot } from '../helpers/archive.js';
import { addToArchive, writeArchive } from '../helpers/build.js';

export const DAYS = ['2026-07-01', '2026-07-15', '2026-08-01', '2026-08-20', '2026-09-10', '2026-09-30'];

/**
 * Six days over three months, each with enough machines for rows at k=5; a rare SDK on the same three
 * machines every day (only the quarter's count of distinct machines, across shards, decides its label);
 * rare values spread over days; non-production machines; a bad line (1% of the events: run these with
 * --max-bad-share 0.05); a day with a Parquet file beside its NDJSON one. Installations send snapshots
 * on several days and change version mid-quarter, so their latest snapshot is in another shard than
 * their first. With `heavy`, six machines also send more than the daily contribution bound (1,000
 * events a day): see heavyMachines.
 */
export async function writeShardedArchive(parent: string, options: { heavy?: boolean } = {}): Promise<string> {
  const days: Record<string, Array<ArchiveEvent | string>> = {};
  for (const [index, day] of DAYS.entries()) {
    const at = { timestamp: `${day}T10:00:00Z` };
    days[day] = [
      ...machines(6 + index, `common-${index}-`, at),
      ...machines(3, 'everyday-', { ...at, sdk_version: '9.0.100-rare' }),
      ...machines(2, `rare-${index}-`, { ...at, command: 'publish', os_version: '24.04' }),
      ...machines(2, `nonprod-${index}-`, { ...at, environment: 'staging' }),
      ...Array.from({ length: 8 }, (_, machine) =>
        snapshot(`install-${machine}`, day, { product_version: index < 3 ? '23.10.0' : '24.2.0' }, { users: index }),
      ),
      ...(index === 2 ? ['{not json'] : []),
      ...(options.heavy ? heavyMachines(index, at) : []),
    ];
  }
  const archive = await writeArchive(parent, days);
  await addToArchive(
    archive,
    { '2026-08-20': machines(4, 'parquet-', { timestamp: '2026-08-20T11:00:00Z', command: 'run' }) },
    'parquet',
  );
  return archive;
}

/**
 * Over the daily bound (1,000 events): heavy-a by 60 events on a day of each shard, heavy-b to -f by 10
 * on one day. The bound removes 170 events from six machines, 120 from heavy-a: more than half, so the
 * report withholds the figure. Only the quarter's sum per machine says so: a merge that took each
 * shard's largest (60) would publish it.
 */
function heavyMachines(index: number, at: ArchiveEvent): ArchiveEvent[] {
  const heavy = (machine: string, events: number) =>
    Array.from({ length: events }, () => event({ ...at, machine_id: machine, command: 'build' }));
  if (index === 1)
    return [...heavy('heavy-a', 1060), ...['b', 'c', 'd', 'e', 'f'].flatMap((m) => heavy(`heavy-${m}`, 1010))];
  if (index === 4) return heavy('heavy-a', 1060);
  return [];
}

/** The published files (data, reports, input manifests, copies, checksums): compared byte for byte. */
const DATA_FILE = /^(cli-usage|installations|feature-usage)-|^inputs\/|^SHA256SUMS$/;
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z|\d{8}T\d{6}Z/g;
/** What depends on the run itself: its random run id, the upload order, the digests of timestamped files. */
const PER_RUN = new Set(['publication-log.ndjson', 'index.html']);

/**
 * Every file of a target folder (not the local store's metadata, nor a sharded run's staging area): the data files by their sha256,
 * the catalog files (index.json, datapackage.json, README, pages) by their text with every instant
 * blanked, as two runs publish at two different times; the publication log (a random run id, the
 * upload order) and index.html (the digests of the timestamped files) are left out.
 */
export async function publishedFiles(target: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(target, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = relative(target, join(entry.parentPath, entry.name));
    if (path.startsWith('.') || path.startsWith('_staging/') || PER_RUN.has(path)) continue;
    const bytes = await readFile(join(target, path));
    files[path] = DATA_FILE.test(path)
      ? createHash('sha256').update(bytes).digest('hex')
      : bytes.toString('utf8').replace(INSTANT, '<time>');
  }
  return files;
}
