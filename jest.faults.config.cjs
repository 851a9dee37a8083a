// The fault suite (issue 7): long runs of real replicas, kept out of `npm test`; run with `npm run test:faults`.
const base = require('./jest.config.cjs');

const { displayName: _displayName, testRegex: _testRegex, ...shared } = base.projects[1];

module.exports = {
  ...shared,
  displayName: 'faults',
  testRegex: 'test/faults/.*\\.faults-spec\\.ts$',
  globalSetup: '<rootDir>/test/global-setup.cjs',
  testTimeout: 10 * 60_000,
};
