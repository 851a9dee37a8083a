const os = require('node:os');

// Nest 12 packages are ESM-only; Jest 30 can require() ESM natively only on Node >= 24.9, so on
// Node 20 they are transpiled to CommonJS by the same @swc/jest transformer (reads .swcrc).
const esmOnly = ['@nestjs', '@electric-sql'];
const shared = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  // PGlite ships index.cjs that import()s Node modules: swc must transform .cjs too
  transform: { '^.+\\.c?[tj]s$': '@swc/jest' },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // Prisma's generated client (and Nest's ESM files) import './x.js' specifiers
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.cjs',
  // most files wait on PostgreSQL, Redis or child processes: two workers even on two cores (Jest's default
  // there is one), each file in its own database and key prefix
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  // a global option (ignored inside projects): process and database tests need more than the 5 s default
  testTimeout: 60_000,
  projects: [
    // unit: beside the code, no database, no network
    { ...shared, displayName: 'unit', testRegex: 'src/.*(?<!integration-)\\.spec\\.ts$' },
    // integration: real PostgreSQL and Redis on this machine, each file its own database and key prefix
    {
      ...shared,
      displayName: 'integration',
      testRegex: '(test/.*\\.spec\\.ts|src/.*\\.integration-spec\\.ts)$',
    },
  ],
};
