/** NOTIFY channel that wakes every instance's worker: items were queued, or a server they waited for changed. */
export const WRITE_QUEUE_CHANNEL = 'pems_write_queue';
