/** The environment of every e2e test file: fixed secrets, quiet logs, no cron surprises. */
process.env.NODE_ENV = 'test';
process.env.JWT_SECRET ??= 'test-jwt-secret-that-is-long-enough-to-pass-validation';
process.env.CREDENTIALS_KEY ??= Buffer.alloc(32, 7).toString('base64');
process.env.LOG_FILE ??= 'logs/test.log';
process.env.LOG_LEVEL ??= 'warn';
process.env.DATA_DIR ??= '.data/test';
// The tests' PEMS simulators listen on loopback; the rest are names of the tests' made-up servers.
// Test suites queue and read-sync far more often than a person; the throttling test sets its own limit.
process.env.SYNC_REQUESTS_PER_MINUTE ??= '1000000';
process.env.PEMS_ALLOWED_HOSTS ??= '127.0.0.1,*.example.com,us1.eam.hxgnsmartcloud.com';
// The tests' webhook receivers listen on loopback: allowed here, and only here, over http.
process.env.WEBHOOK_ALLOWED_HOSTS ??= '127.0.0.1';
