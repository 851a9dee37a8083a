import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'pg';
import type { FakeProviderServer } from '../fakes/fake-provider-server';

/** Inserts `count` replies (tipo 'resposta': any hour), one lead each, texts `<label>-<n>`; as other services do, in SQL. */
export async function enqueueReplies(
  sql: Client,
  label: string,
  count: number,
  firstPhone = 0,
): Promise<void> {
  await sql.query(
    `WITH numbered AS (
       SELECT n, '55119' || lpad(($3::int + n)::text, 8, '0') AS telefone FROM generate_series(1, $2::int) AS n
     ), new_leads AS (
       INSERT INTO leads (telefone, nome) SELECT telefone, 'Dr. ' || n FROM numbered RETURNING id, telefone
     )
     INSERT INTO fila_mensagens (lead_id, conteudo, tipo)
     SELECT l.id, $1 || '-' || n, 'resposta' FROM numbered JOIN new_leads l USING (telefone)`,
    [label, count, firstPhone],
  );
}

export async function statusCounts(sql: Client): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM fila_mensagens GROUP BY status`,
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

export async function rowsByText(
  sql: Client,
): Promise<Map<string, { status: string; erro: string | null; sendStarted: boolean }>> {
  const { rows } = await sql.query<{
    conteudo: string;
    status: string;
    erro: string | null;
    started: boolean;
  }>(`SELECT conteudo, status, erro, envio_iniciado_em IS NOT NULL AS started FROM fila_mensagens`);
  return new Map(
    rows.map((row) => [row.conteudo, { status: row.status, erro: row.erro, sendStarted: row.started }]),
  );
}

/** What the fake provider received: texts per count, and how many texts arrived more than once. */
export function receivedTexts(server: FakeProviderServer): {
  total: number;
  distinct: number;
  duplicates: number;
  counts: Map<string, number>;
} {
  const counts = new Map<string, number>();
  for (const request of server.requests) {
    const text = (request.body as { text?: unknown } | undefined)?.text;
    if (typeof text === 'string') counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const duplicates = [...counts.values()].filter((n) => n > 1).length;
  return { total: server.requests.length, distinct: counts.size, duplicates, counts };
}

export async function waitUntil(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  pollMs = 200,
): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
  return Date.now() - started;
}

/** Resolves when the fake server has received nothing new for `quietMs` (in-flight sends landed). */
export async function waitForQuiet(
  server: FakeProviderServer,
  quietMs: number,
  timeoutMs: number,
): Promise<number> {
  let last = server.requests.length;
  let lastChange = Date.now();
  await waitUntil(
    'provider traffic to stop',
    () => {
      if (server.requests.length !== last) {
        last = server.requests.length;
        lastChange = Date.now();
      }
      return Date.now() - lastChange >= quietMs;
    },
    timeoutMs,
    100,
  );
  return last;
}

/**
 * The environment of a `node dist/main` replica that sends the queue to a fake Evolution server with
 * key `evo-key`: production rules, limits out of the way, a poll every second. `extra` adds or overrides.
 */
export function queueReplicaEnv(
  where: { databaseUrl: string; redisUrl: string; redisPrefix: string; providerUrl: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: where.databaseUrl,
    REDIS_URL: where.redisUrl,
    REDIS_KEY_PREFIX: where.redisPrefix,
    APP_ENV: 'production',
    WHATSAPP_PROVIDER: 'evolution',
    EVOLUTION_API_URL: where.providerUrl,
    EVOLUTION_API_KEY: 'evo-key',
    EVOLUTION_INSTANCE: 'numero1,numero2',
    RATE_LIMIT_PER_HOUR: '100000',
    RATE_LIMIT_PER_DAY: '1000000',
    RATE_LIMIT_PHONE_INTERVAL: '0',
    RATE_LIMIT_NUMBER_INTERVAL: '0',
    // polls every second; /health/workers calls the queue stale after 3 polls + JOB_TIMEOUT
    QUEUE_POLL_INTERVAL: '1',
    ...extra,
  };
}
