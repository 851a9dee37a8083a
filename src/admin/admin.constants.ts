/** Request bodies larger than this are refused (413) before they reach a controller. */
export const HTTP_BODY_LIMIT = '64kb';

/** "Run now" waits this long for the run to finish before answering 202 (the run goes on). */
export const RUN_NOW_DEFAULT_WAIT_S = 10;
export const RUN_NOW_MAX_WAIT_S = 300;

/** Page sizes of the history and dead-letter lists. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

/** At most this many dead letters re-driven by one request. */
export const MAX_REDRIVE_IDS = 500;

/** Who did it, as recorded in pausado_por / atualizado_por: the `X-Operator` header, else this. */
export const DEFAULT_OPERATOR = 'admin';
export const OPERATOR_HEADER = 'x-operator';

/** Where the OpenAPI document and its UI are served. */
export const ADMIN_DOCS_PATH = 'admin/docs';

/**
 * An admin read (dashboard, lists) is cancelled by the server after this long. Behind a table lock a read
 * would otherwise hold a pooled connection until statement_timeout (JOB_TIMEOUT + 2 s), and an open dashboard,
 * which asks again every 15 s, would soon hold every connection the jobs need.
 */
export const ADMIN_READ_TIMEOUT_MS = 5_000;
