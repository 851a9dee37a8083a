/** Sockets kept per provider host: far above WORKER_CONCURRENCY × replicas' needs of one process. */
export const PROVIDER_MAX_SOCKETS = 64;

/** A provider reply body is read up to this size; an error excerpt needs far less. */
export const MAX_REPLY_BYTES = 64 * 1024;

/** Failure reasons quote at most this much of the provider's reply. */
export const REASON_EXCERPT_CHARS = 200;

/** A Retry-After longer than this is treated as this: the queue re-polls well before. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
