// Jest environment for integration tests: remembers whether any test or hook in the file failed, so
// the stack harness can print the sidecar and app logs when it stops (and stays quiet when all pass).
const { TestEnvironment } = require('jest-environment-node');

class ShopTestEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if ((event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure') {
      this.global.__testFailed = true;
    }
  }
}

module.exports = ShopTestEnvironment;
