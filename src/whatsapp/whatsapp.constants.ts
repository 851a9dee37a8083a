/**
 * Connections per provider origin. A WORKER_CONCURRENCY above it queues sends for a free connection (their
 * timeout starts once they have one, and until then they can be withdrawn); in the bench, more connections
 * than this were slower, not faster.
 */
export const PROVIDER_MAX_SOCKETS = 64;

/**
 * An idle keep-alive socket is closed after this long, before the server closes it: Node servers (the
 * Evolution API is one) close idle connections after 5 s, and a send written on a socket the server is
 * closing fails with ECONNRESET (a network error: retried minutes later, an attempt counted). undici
 * would follow the server's `Keep-Alive: timeout` hint, but not every server sends one.
 */
export const PROVIDER_IDLE_SOCKET_MS = 4_000;

/** A provider reply body is read up to this size; an error excerpt needs far less. */
export const MAX_REPLY_BYTES = 64 * 1024;

/** Failure reasons quote at most this much of the provider's reply. */
export const REASON_EXCERPT_CHARS = 200;

/** A Retry-After longer than this is treated as this: the queue re-polls well before. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
