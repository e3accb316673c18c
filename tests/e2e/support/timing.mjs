// Deadlines for browser tests: every wait has one, and a missed one says what was last seen.

export function requireEnv(name, what) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: it names ${what}`);
  return value;
}

// `promise`, or a rejection after `timeoutMs` whose message is `describe()` (called then, so it
// can report the latest state).
export async function withTimeout(promise, timeoutMs, describe) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(async () => {
      let detail;
      try {
        detail = await describe();
      } catch (error) {
        detail = `(and describing the state failed: ${error.message})`;
      }
      reject(new Error(`timed out after ${timeoutMs} ms: ${detail}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Calls `probe()` every `intervalMs` until the object it returns has `done` true, and returns
// that object. After `timeoutMs`, fails with `describe(lastObject)`. A probe that throws fails
// at once.
export async function pollUntil(probe, { timeoutMs, intervalMs = 250, describe }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last.done) return last;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms: ${describe(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
