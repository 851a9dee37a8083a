import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * `prisma/migrations` of this project. Walks up from this file so it is found both from `src/`
 * (jest, ts) and from `dist/src/` (node dist/main), whatever the working directory.
 */
export function findMigrationsDirectory(start = __dirname): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  const fallback = resolve(process.cwd(), 'prisma', 'migrations');
  if (existsSync(fallback)) return fallback;
  throw new Error(`prisma/migrations not found above ${start} nor in ${process.cwd()}`);
}

/** the names of the migrations in `migrationsDir` (folders holding a migration.sql), in Prisma's order */
export function migrationNames(migrationsDir: string): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}
