/**
 * Preloaded (NODE_OPTIONS=--require) into an app process by tests that step its clock: on
 * SIGWINCH (a signal Nest's shutdown hooks leave alone, unlike SIGUSR2), Date.now() jumps by
 * TEST_CLOCK_STEP_MS (forward when positive), as after an NTP
 * step or a failover to a database host whose clock differs. The monotonic clock
 * (performance.now) is untouched, as in real life.
 */
const stepMs = Number(process.env.TEST_CLOCK_STEP_MS || 0);
if (stepMs) {
  const realNow = Date.now.bind(Date);
  let offset = 0;
  Date.now = () => realNow() + offset;
  process.on('SIGWINCH', () => {
    offset = stepMs;
  });
}
