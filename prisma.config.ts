import { defineConfig } from 'prisma/config';

// No native schema-engine binary can be downloaded here; every prisma CLI command would try to
// fetch it. Migrations run through scripts/prisma-wasm.mjs instead, so a dummy path is enough.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= '/bin/false';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/whats_workers',
  },
});
