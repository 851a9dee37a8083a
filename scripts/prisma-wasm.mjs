#!/usr/bin/env node
// Prisma migrations without the native schema-engine binary:
// drives @prisma/schema-engine-wasm (Prisma's own schema engine compiled to Wasm)
// through the @prisma/adapter-pg driver adapter.
//
//   node scripts/prisma-wasm.mjs diff                # SQL: empty -> schema.prisma (stdout)
//   node scripts/prisma-wasm.mjs create <name>       # like `prisma migrate dev --create-only`
//   node scripts/prisma-wasm.mjs deploy              # like `prisma migrate deploy`
//   node scripts/prisma-wasm.mjs status              # like `prisma migrate status` (diagnoseMigrationHistory)
//   node scripts/prisma-wasm.mjs resolve-rolled-back <migration>   # like `prisma migrate resolve --rolled-back`
//   node scripts/prisma-wasm.mjs resolve-applied <migration>       # like `prisma migrate resolve --applied`
// Env: DATABASE_URL (required), PRISMA_SCHEMA (default prisma/schema.prisma),
//      PRISMA_MIGRATIONS (default prisma/migrations), DEBUG_SCHEMA_ENGINE=1 for engine logs.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';

// The Wasm engine reports a Rust panic through this global; without it the panic surfaces as an
// unrelated TypeError and the real message is lost.
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message: (message) => console.error(`schema engine panicked: ${message}`),
};

const require = createRequire(import.meta.url);
const ROOT = process.cwd();
const SCHEMA = path.resolve(ROOT, process.env.PRISMA_SCHEMA ?? 'prisma/schema.prisma');
const MIGRATIONS = path.resolve(ROOT, process.env.PRISMA_MIGRATIONS ?? 'prisma/migrations');
const FILTERS = { externalTables: [], externalEnums: [] };

async function loadEngineClass() {
  // The package is built with wasm-bindgen --target bundler (`import * as wasm from "./x.wasm"`),
  // which Node cannot import; instantiate the .wasm by hand and wire it to the JS glue.
  const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await fs.readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    './schema_engine_bg.js': glue,
  });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return glue.SchemaEngine;
}

function pgConfigFromUrl(url) {
  // Pass discrete fields, NOT { connectionString }: PrismaPg.connectToShadowDb() spreads the
  // config and overrides `database`, but node-pg lets connectionString win over `database`,
  // which would point the "shadow" database at the real one. The fields come from node-pg's own
  // parser, so everything the service honours in DATABASE_URL (sslmode and the other ssl* options,
  // ?host= for a socket, application_name, options) applies to migrations too. The session is pinned to
  // UTC as the service's are (src/database/pg-connection-config.ts).
  const config = parseIntoClientConfig(url);
  return { ...config, options: [config.options, '-c TimeZone=UTC'].filter(Boolean).join(' ') };
}

// Two fixes over @prisma/adapter-pg 7.10.x for use by the schema engine:
// 1) executeScript() there splits the script on ";" and runs each piece separately on the pool:
//    breaks DO $$ ... ; ... $$ blocks, function bodies and string literals containing ";", and
//    leaves a half-applied migration when a later statement fails. Send the whole script as one
//    simple-protocol query instead (what the native engine does: one implicit transaction).
// 2) connectToShadowDb() drops the shadow database *before* closing the shadow pool, so
//    DROP DATABASE fails with "is being accessed by other users" (and the shadow DB is left
//    behind). Close the shadow pool first, then drop it.
class PrismaPgForMigrate extends PrismaPg {
  constructor(config) {
    super(config);
    this.pgConfig = config;
  }
  async connect() {
    const adapter = await super.connect();
    patchCharColumns(adapter);
    adapter.executeScript = async (script) => {
      try {
        await adapter.client.query(script); // no parameters -> simple query protocol, multi-statement
      } catch (error) {
        adapter.onError(error); // rethrows as DriverAdapterError, like the original
      }
    };
    return adapter;
  }
  async connectToShadowDb() {
    const admin = await this.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPgForMigrate({ ...this.pgConfig, database }).connect();
    const closeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await closeShadow();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      await admin.dispose();
    };
    return shadow;
  }
}

// The engine's PostgreSQL describer selects catalog columns of the internal type "char" (OID 18,
// e.g. pg_constraint.contype) and reads them as Character. @prisma/adapter-pg 7.10.x has no mapping
// for OID 18 ("Column type 'char' could not be deserialized"), and reporting them as TEXT makes the
// engine panic once the database has a CHECK constraint. Report them as Character, as the native
// engine does. Patched on the shared queryable prototype so transactions get it too; only inside
// this migration process.
const CHAR_OID = 18;
const TEXT_OID = 25;
const patchedPrototypes = new WeakSet();
function patchCharColumns(adapter) {
  let proto = Object.getPrototypeOf(adapter);
  while (proto && !Object.hasOwn(proto, 'queryRaw')) proto = Object.getPrototypeOf(proto);
  if (!proto || patchedPrototypes.has(proto)) return;
  patchedPrototypes.add(proto);
  const performIO = proto.performIO;
  const queryRaw = proto.queryRaw;
  proto.performIO = async function (query) {
    const result = await performIO.call(this, query);
    const charColumns = [];
    result.fields = result.fields.map((field, index) => {
      if (field.dataTypeID !== CHAR_OID) return field;
      charColumns.push(index);
      return { ...field, dataTypeID: TEXT_OID };
    });
    if (charColumns.length) Object.defineProperty(result.rows, 'charColumns', { value: charColumns });
    return result;
  };
  proto.queryRaw = async function (query) {
    const result = await queryRaw.call(this, query);
    for (const index of result.rows.charColumns ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
}

async function listMigrations(dir) {
  // Same shape the Prisma CLI builds (MigrationList).
  const lockPath = 'migration_lock.toml';
  const lockContent = await fs.readFile(path.join(dir, lockPath), 'utf8').catch(() => null);
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = [];
  for (const e of entries.filter((d) => d.isDirectory())) {
    const file = 'migration.sql';
    const content = await fs
      .readFile(path.join(dir, e.name, file), 'utf8')
      .then((value) => ({ tag: 'ok', value }))
      .catch((err) => ({ tag: 'error', value: err.message }));
    migrationDirectories.push({ path: e.name, migrationFile: { path: file, content } });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: dir,
    lockfile: { path: lockPath, content: lockContent },
    migrationDirectories,
    shadowDbInitScript: '',
  };
}

async function main() {
  const [cmd, name] = process.argv.slice(2);
  try {
    process.loadEnvFile(path.join(ROOT, '.env')); // Node >= 20.12; never overrides variables already set
  } catch {}
  // trimmed as the service trims it: node-pg reads a URL with a space in front as a socket path
  const url = process.env.DATABASE_URL?.trim();
  if (!url) throw new Error('DATABASE_URL is required');
  const schemaFile = { path: SCHEMA, content: await fs.readFile(SCHEMA, 'utf8') };
  const schema = { files: [schemaFile] };

  const SchemaEngine = await loadEngineClass();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPgForMigrate(pgConfigFromUrl(url)));
  const log = (msg) => process.env.DEBUG_SCHEMA_ENGINE && console.error('[schema-engine]', msg);
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaFile.path, schemaFile.content]] },
    log,
    adapter,
  );

  try {
    switch (cmd) {
      case 'diff': {
        const r = await engine.diff({
          from: { tag: 'empty' },
          to: { tag: 'schemaDatamodel', ...schema },
          script: true,
          exitCode: null,
          filters: FILTERS,
        });
        process.stdout.write(r.stdout ?? '');
        break;
      }
      case 'create': {
        const migrationsList = await listMigrations(MIGRATIONS);
        // createMigration() gets no adapter factory inside the Wasm engine, so on PostgreSQL it cannot
        // open a shadow DB by itself ("PostgreSQL shadow DB must be provided through an external factory").
        // devDiagnostic() does get the factory: it replays the migrations on a shadow DB
        // (PrismaPg.connectToShadowDb -> CREATE DATABASE prisma_migrate_shadow_db_<uuid>) and caches the
        // resulting schema, which createMigration() then reuses. This is the order `prisma migrate dev` uses.
        const diag = await engine.devDiagnostic({ migrationsList, filters: FILTERS });
        if (diag.action.tag === 'reset') throw new Error(`database needs a reset: ${diag.action.reason}`);
        const out = await engine.createMigration({
          draft: false,
          migrationName: name ?? 'migration',
          migrationsList,
          schema,
          filters: FILTERS,
        });
        if (out.migrationScript === null) {
          console.log('No schema changes: no migration created.');
          break;
        }
        const dir = path.join(MIGRATIONS, out.generatedMigrationName);
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, `migration.${out.extension}`), out.migrationScript);
        await fs.writeFile(
          path.join(MIGRATIONS, 'migration_lock.toml'),
          `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${out.connectorType}"\n`,
        );
        console.log(`Created ${path.relative(ROOT, dir)}/migration.${out.extension}`);
        break;
      }
      case 'deploy': {
        const migrationsList = await listMigrations(MIGRATIONS);
        const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: FILTERS });
        console.log(
          appliedMigrationNames.length
            ? `Applied: ${appliedMigrationNames.join(', ')}`
            : 'No pending migrations to apply.',
        );
        break;
      }
      case 'status': {
        const migrationsList = await listMigrations(MIGRATIONS);
        const r = await engine.diagnoseMigrationHistory({
          migrationsList,
          optInToShadowDatabase: false,
          filters: FILTERS,
        });
        console.log(JSON.stringify(r, null, 2));
        break;
      }
      case 'resolve-rolled-back': // like `prisma migrate resolve --rolled-back <name>`
        await engine.markMigrationRolledBack({ migrationName: name });
        console.log(`Migration ${name} marked as rolled back.`);
        break;
      case 'resolve-applied': // like `prisma migrate resolve --applied <name>`
        await engine.markMigrationApplied({
          migrationName: name,
          migrationsList: await listMigrations(MIGRATIONS),
        });
        console.log(`Migration ${name} marked as applied.`);
        break;
      default:
        throw new Error(
          `unknown command ${cmd}; use diff | create <name> | deploy | status | resolve-rolled-back <name> | resolve-applied <name>`,
        );
    }
  } finally {
    engine.free();
  }
}

// Exit explicitly: the Wasm engine leaves ~10 s timers behind and engine.free() does not close the
// adapter's pg pool, so the process would otherwise linger ~10 s after finishing.
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e?.message ?? e, e?.code ? `(code ${e.code})` : '');
    if (process.env.DEBUG_SCHEMA_ENGINE) console.error(e);
    process.exit(1);
  },
);
