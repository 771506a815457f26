import { PublisherError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { PutOptions, Store, StoredObjectInfo } from '../store/index.js';
import { LICENSE, sameHeader } from './content-types.js';
import type { PublicationRecord } from './publication-log.js';
import { type Expected, objectProblem } from './verify.js';

/** Where the bytes of an object come from: a local file (possibly fetched on demand) or a string. */
export type Source = { path: string } | { fetchPath: () => Promise<string> } | { body: string };

/**
 * Puts objects into the target only when they differ from what is there (size, sha256, licence,
 * Content-Type, Cache-Control), verifies each one after writing, logs it, and remembers it for the
 * publication log. In a dry run it only says what it would write.
 */
export class TargetWriter {
  readonly written: Array<{ key: string; bytes: number; sha256: string }> = [];
  readonly unchanged: string[] = [];
  readonly records: PublicationRecord[] = [];

  constructor(
    private readonly store: Store,
    private readonly context: { logger: Logger; dryRun: boolean; runId: string; clock: () => Date },
  ) {}

  /** Writes `expected.key` unless the target already holds it as wanted; returns whether it wrote. */
  async ensure(expected: Expected, source: Source, options: PutOptions): Promise<boolean> {
    const remote = await this.store.head(expected.key);
    if (remote && isAsWanted(remote, expected, options)) {
      this.unchanged.push(expected.key);
      return false;
    }
    await this.write(expected, source, options);
    return true;
  }

  private async write(expected: Expected, source: Source, options: PutOptions): Promise<void> {
    const { logger, dryRun } = this.context;
    const fields = { key: expected.key, bytes: expected.bytes, sha256: expected.sha256 };
    if (dryRun) {
      logger.info('dry run: would write object', fields);
      this.written.push(fields);
      return;
    }
    const put = { ...options, metadata: { ...options.metadata, sha256: expected.sha256 } };
    if ('body' in source) await this.store.putBytes(expected.key, source.body, put);
    else await this.store.putFile(expected.key, 'path' in source ? source.path : await source.fetchPath(), put);
    const problem = await objectProblem(this.store, expected);
    if (problem) {
      throw new PublisherError(
        'E_STORE',
        `${this.store.describe(expected.key)} was written but reads back wrong (${problem}); the catalog was not updated`,
      );
    }
    logger.info('wrote object', fields);
    this.written.push(fields);
    this.records.push({ time: this.context.clock().toISOString(), runId: this.context.runId, ...fields });
  }
}

function isAsWanted(remote: StoredObjectInfo, expected: Expected, options: PutOptions): boolean {
  return (
    remote.bytes === expected.bytes &&
    remote.sha256 === expected.sha256 &&
    remote.metadata?.license === LICENSE.id &&
    // A store that does not echo a header cannot be compared on it; ours do.
    (remote.contentType === undefined || sameHeader(remote.contentType, options.contentType)) &&
    (remote.cacheControl === undefined || sameHeader(remote.cacheControl, options.cacheControl))
  );
}
