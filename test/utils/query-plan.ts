import { Client } from 'pg';
import { createPgPrismaService } from '../../src/database/prisma-service.factory';
import type { PrismaService } from '../../src/database/prisma.service';
import { createTestDatabase, type TestDatabase } from './test-database';

/** A statement as the service's pool sent it. */
export interface SentStatement {
  readonly text: string;
  readonly values: unknown[];
}

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** The statements sent through any `pg` client while `action` ran whose text contains `marker`. */
export async function statementsSent(
  action: () => Promise<unknown>,
  marker: string,
): Promise<SentStatement[]> {
  const spy = jest.spyOn(Client.prototype, 'query');
  try {
    await action();
    return spy.mock.calls
      .map(([query]) => query as unknown as { text?: unknown; values?: unknown[] })
      .filter((query) => typeof query?.text === 'string' && query.text.includes(marker))
      .map((query) => ({ text: query.text as string, values: query.values ?? [] }));
  } finally {
    spy.mockRestore();
  }
}

/** Runs `statement` under EXPLAIN ANALYZE: how many rows of `table` its plan read (kept and filtered out). */
export async function rowsReadFrom(
  db: TestDatabase,
  statement: SentStatement,
  table: string,
): Promise<number> {
  const { rows } = await db.sql.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`,
    statement.values,
  );
  return rowsRead(rows[0]['QUERY PLAN'][0].Plan, table);
}

/**
 * Runs `action`; each statement it sends through the service's pool whose text contains `marker` is first
 * run under EXPLAIN ANALYZE on `db`, in a transaction rolled back, in the state the statement meets: how
 * many rows of `table` each one read, in order. For a loop of writes, where a replay afterwards would meet
 * the state the loop left.
 */
export async function rowsReadByEachStatement(
  db: TestDatabase,
  action: () => Promise<unknown>,
  marker: string,
  table: string,
): Promise<number[]> {
  const original = Client.prototype.query;
  const explain = (text: string, values?: unknown[]) =>
    (original as (config: { text: string; values?: unknown[] }) => Promise<{ rows: unknown[] }>).call(
      db.sql,
      { text, values },
    );
  const reads: number[] = [];
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
    this: Client,
    ...args: unknown[]
  ) {
    const query = args[0] as { text?: unknown; values?: unknown[] } | undefined;
    if (this === db.sql || typeof query?.text !== 'string' || !query.text.includes(marker))
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    const text = query.text;
    return (async () => {
      await explain('BEGIN');
      try {
        const { rows } = (await explain(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, query.values)) as {
          rows: { 'QUERY PLAN': [{ Plan: PlanNode }] }[];
        };
        reads.push(rowsRead(rows[0]['QUERY PLAN'][0].Plan, table));
      } finally {
        await explain('ROLLBACK');
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    })() as never;
  });
  try {
    await action();
    return reads;
  } finally {
    spy.mockRestore();
  }
}

function rowsRead(node: PlanNode, table: string): number {
  const own =
    node['Relation Name'] === table
      ? ((node['Actual Rows'] ?? 0) +
          (node['Rows Removed by Filter'] ?? 0) +
          (node['Rows Removed by Index Recheck'] ?? 0)) *
        (node['Actual Loops'] ?? 1)
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, table), 0);
}

/**
 * A database of its own for the file, seeded once (at production size: give `seed` its own VACUUM
 * ANALYZE), and a PrismaService on it as the service builds it.
 */
export function useSeededDatabase(
  name: string,
  seed: (db: TestDatabase) => Promise<void>,
): { readonly db: TestDatabase; readonly prisma: PrismaService } {
  const state: { db?: TestDatabase; prisma?: PrismaService } = {};
  beforeAll(async () => {
    state.db = await createTestDatabase(name);
    await seed(state.db);
    state.prisma = createPgPrismaService(state.db.url);
    await state.prisma.onModuleInit();
  }, 180_000);
  afterAll(async () => {
    await state.prisma?.$disconnect();
    await state.db?.drop();
  });
  return {
    get db() {
      return state.db!;
    },
    get prisma() {
      return state.prisma!;
    },
  };
}
