// Polling for what another connection or process makes true in its own time (a notification, a log line, a job).

/**
 * Reads until `done` says so, or fails naming `what` and the last value read (or error thrown: a read that throws,
 * say while a connection comes back, is read again until the deadline).
 */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const value = await read();
      if (done(value)) return value;
      last = shown(value);
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // circular (a Job, say)
  }
}
