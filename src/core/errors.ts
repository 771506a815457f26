// One error type for the whole job. The code says which part failed; `cli.ts` alone maps codes to exit
// codes (documented in the README, so cron wrappers can branch on them).

export type ErrorCode =
  | 'E_USAGE' // bad command line
  | 'E_CONFIG' // invalid setting (flag, environment variable, config file, dataset metadata)
  | 'E_ARCHIVE' // the archive cannot be read (missing, unreadable file, storage error while staging)
  | 'E_BAD_INPUT' // too many bad events: the share of rejected events is over the limit
  | 'E_PRIVACY_CHECK' // the independent k-anonymity check failed: nothing was published
  | 'E_STORE' // the target store failed (after retries); the published state is intact
  | 'E_LOCKED' // another run holds the target's lock
  | 'E_AUDIT' // the audit found violations
  | 'E_INTERNAL'; // a bug: please report it

export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  E_INTERNAL: 1,
  E_USAGE: 2,
  E_CONFIG: 3,
  E_ARCHIVE: 4,
  E_BAD_INPUT: 5,
  E_PRIVACY_CHECK: 6,
  E_STORE: 7,
  E_LOCKED: 8,
  E_AUDIT: 9,
};

export class PublisherError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublisherError';
    this.code = code;
  }
}

export function isPublisherError(error: unknown): error is PublisherError {
  return error instanceof PublisherError;
}
