import type { ObjectInfo, Store } from './store.js';

/** What `head` of the bundled stores returns beyond ObjectInfo, for checks of the served headers. */
export interface StoredObjectInfo extends ObjectInfo {
  contentType?: string;
  cacheControl?: string;
}

/**
 * A write cut short (a killed run) can leave debris that is not an object: an unfinished S3 multipart
 * upload (billed storage, invisible to readers) or a local temp file. Only a run that holds the target's
 * lock may clear it, and only what was started before the lock was taken.
 */
export interface IncompleteWriteCleaner {
  /** Removes unfinished writes started before `startedBefore`; returns a description of each. */
  abortIncompleteWrites(startedBefore: Date): Promise<string[]>;
}

export function canAbortIncompleteWrites(store: Store): store is Store & IncompleteWriteCleaner {
  return typeof (store as Partial<IncompleteWriteCleaner>).abortIncompleteWrites === 'function';
}
