import type { Store } from '../store/index.js';
import { putOptions } from './content-types.js';
import { CATALOG_KEYS } from './layout.js';

/** One line of publication-log.ndjson: one object written to the target. */
export interface PublicationRecord {
  time: string;
  runId: string;
  key: string;
  bytes: number;
  sha256: string;
}

/**
 * Appends to the publication log kept in the target. S3 has no append, so this is read-modify-write,
 * which is safe only under the target lock (the caller holds it). A line is never removed.
 */
export async function appendPublicationLog(store: Store, records: readonly PublicationRecord[]): Promise<void> {
  if (records.length === 0) return;
  const before = (await store.getBytes(CATALOG_KEYS.publicationLog))?.toString('utf8') ?? '';
  const separator = before === '' || before.endsWith('\n') ? '' : '\n';
  const added = records.map((record) => `${JSON.stringify(record)}\n`).join('');
  await store.putBytes(
    CATALOG_KEYS.publicationLog,
    `${before}${separator}${added}`,
    putOptions(CATALOG_KEYS.publicationLog, 'catalog'),
  );
}

export function parsePublicationLog(text: string): PublicationRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PublicationRecord);
}
