import type { Client } from 'pg';

/** Every row of every table of the service (not Prisma's migration log), each as JSON text, sorted. */
export type TableSnapshot = Record<string, string[]>;

export async function serviceTables(sql: Client): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`,
  );
  return rows.map((row) => row.name);
}

export async function tableSnapshot(sql: Client): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = {};
  for (const table of await serviceTables(sql)) {
    const { rows } = await sql.query<{ row: string }>(
      `SELECT to_jsonb(t)::text AS row FROM "${table}" t ORDER BY 1`,
    );
    snapshot[table] = rows.map((row) => row.row);
  }
  return snapshot;
}

/** The tables with a text value (a column, or a string anywhere inside a jsonb column) equal to `text`. */
export async function tablesHolding(sql: Client, text: string): Promise<string[]> {
  const holding: string[] = [];
  for (const table of await serviceTables(sql)) {
    const { rows } = await sql.query<{ found: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM "${table}" t
          WHERE jsonb_path_exists(to_jsonb(t), 'strict $.** ? (@ == $text)', jsonb_build_object('text', $1::text))
       ) AS found`,
      [text],
    );
    if (rows[0].found) holding.push(table);
  }
  return holding;
}
