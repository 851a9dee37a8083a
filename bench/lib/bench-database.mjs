// The bench's own database: created afresh, migrated like production (`scripts/prisma-wasm.mjs deploy`),
// seeded with N leads (unique phones, so the phone interval never bites) and N due queue rows.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export const adminDatabaseUrl =
  process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name) {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(statement) {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

export async function createBenchDatabase(name) {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = databaseUrl(name);
  execFileSync(process.execPath, ['scripts/prisma-wasm.mjs', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  return {
    url,
    sql,
    async drop() {
      await sql.end();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Empties the queue and the leads, then seeds `rows` due messages, one lead each. */
export async function seedQueue(sql, rows) {
  await sql.query('TRUNCATE fila_mensagens, leads CASCADE');
  await sql.query(
    `INSERT INTO leads (telefone, nome)
     SELECT (5511900000000 + n)::text, 'Dra. ' || n FROM generate_series(1, $1) AS n`,
    [rows],
  );
  await sql.query(
    `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, agendar_para)
     SELECT id, 'Olá ' || nome || ', temos um plantão de UTI no sábado 19h. Tem interesse?', 'oferta',
            now() - interval '1 minute'
       FROM leads`,
  );
  await settleAfterSeeding(sql, ['fila_mensagens', 'leads']);
}

/**
 * Every system starts its timed section from the same state: its tables vacuumed and analysed (statistics,
 * visibility map) and a checkpoint taken. Without the checkpoint, one that its own seeding or the previous
 * system set off could fall inside one system's run and not another's (it flushes the dirty pages, and
 * after it the first change to each page writes the whole page to the WAL).
 */
export async function settleAfterSeeding(sql, tables) {
  await sql.query(`VACUUM ANALYZE ${tables.join(', ')}`);
  await sql.query('CHECKPOINT');
}

export async function countByStatus(sql) {
  const { rows } = await sql.query('SELECT status, count(*)::int AS n FROM fila_mensagens GROUP BY 1');
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}
