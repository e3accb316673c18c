// A real chorusd for browser tests: started on kernel-chosen ports (or a given HTTP port) with a
// temporary YAML configuration, applications file and web root, and stopped (or killed) at the
// end.
import { spawn, execFile } from 'node:child_process';
import net from 'node:net';
import { mkdtemp, mkdir, writeFile, cp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { requireEnv, withTimeout } from './timing.mjs';

const execFileAsync = promisify(execFile);

export const kApplication = 'e2e-app';
// At least 32 bytes, as docs/signaling.md ("Access tokens") requires.
export const kSecret = 'e2e-secret-0123456789abcdef0123456789';

const kStartTimeoutMs = 15_000;
const kStopTimeoutMs = 5_000;

// Every started process, so that an unexpected exit of the test runner does not leave one behind.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

// A loopback TCP port free now (the kernel picks it; nothing holds it afterwards): for a server
// whose URL its peers must be given before it starts.
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class Chorusd {
  #waiters = new Set();

  // Starts chorusd with `workers` workers (shards) on loopback. `pagesDir`'s files are served at
  // `/` (they become the temporary web root's `demo/`, the folder chorusd serves from), so pages
  // are same-origin with `/ws`. `config` adds YAML lines to the configuration file, `args`
  // command-line options (say `['--log.level', 'debug']`). `httpPort` is the control port, for
  // a server whose URL must be known before it starts (a cluster's peers, freePort()); 0: any.
  static async start({ pagesDir, workers = 1, config = '', args = [], httpPort = 0 } = {}) {
    const binary = requireEnv('CHORUSD', 'the chorusd binary (ctest sets it)');
    const dir = await mkdtemp(join(tmpdir(), 'chorus-e2e-'));
    const webRoot = join(dir, 'web');
    await mkdir(join(webRoot, 'demo'), { recursive: true });
    if (pagesDir) await cp(pagesDir, join(webRoot, 'demo'), { recursive: true });
    const applicationsFile = join(dir, 'applications.yaml');
    await writeFile(applicationsFile, `${kApplication}: "${kSecret}"\n`);
    const configFile = join(dir, 'chorus.yaml');
    await writeFile(
      configFile,
      [
        'http:',
        '  listen_address: 127.0.0.1',
        `  port: ${httpPort}`,
        `  web_root: ${JSON.stringify(webRoot)}`,
        'workers:',
        `  count: ${workers}`,
        'media:',
        '  listen_address: 127.0.0.1',
        '  port_base: 0',
        '  tcp_port: 0',
        'auth:',
        `  applications_file: ${JSON.stringify(applicationsFile)}`,
        config,
      ].join('\n') + '\n',
    );
    const chorusd = new Chorusd(binary, dir);
    chorusd.#spawn(['--config', configFile, ...args]);
    try {
      const listening = await chorusd.waitForLine(/http_listening .*port=(\d+)/, kStartTimeoutMs);
      chorusd.httpPort = Number(listening.match(/port=(\d+)/)[1]);
      await chorusd.waitForLine(/chorusd_ready/, kStartTimeoutMs);
    } catch (error) {
      await chorusd.stop();
      throw error;
    }
    return chorusd;
  }

  constructor(binary, dir) {
    this.binary = binary;
    this.dir = dir;
    this.output = '';
    this.httpPort = 0;
    this.exitStatus = null;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  // The first output line from the start matching `pattern`, waiting up to `timeoutMs`.
  waitForLine(pattern, timeoutMs) {
    const find = () => this.output.split('\n').find((line) => pattern.test(line));
    return withTimeout(
      new Promise((resolve, reject) => {
        const check = () => {
          const line = find();
          if (line !== undefined) {
            this.#waiters.delete(check);
            resolve(line);
          } else if (this.exitStatus !== null) {
            this.#waiters.delete(check);
            const status = `chorusd exited (${this.exitStatus}) before printing ${pattern}`;
            reject(new Error(`${status}; its output:\n${this.output}`));
          }
        };
        this.#waiters.add(check);
        check();
      }),
      timeoutMs,
      () => `chorusd printed no line matching ${pattern}; its output:\n${this.output}`,
    );
  }

  // Mints an access token with `chorusd token` (docs/signaling.md, "chorusd token").
  async token({ user, room, ttl = '10m', publish = true, subscribe = true }) {
    const { stdout } = await execFileAsync(this.binary, [
      'token', '--app', kApplication, '--secret', kSecret, '--user', user, '--room', room,
      '--ttl', ttl, '--publish', String(publish), '--subscribe', String(subscribe),
    ]);
    return stdout.trim();
  }

  async metricsText() {
    const response = await fetch(`${this.baseUrl}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
    return response.text();
  }

  // SIGINT (an immediate stop: SIGTERM would drain first, docs/architecture.md), then SIGKILL
  // if chorusd has not exited within a few seconds; removes the temporary folder. Returns the
  // exit code (or the name of the signal that ended it). Safe to call twice.
  async stop() {
    if (this.child && this.exitStatus === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), kStopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
    return this.exitStatus;
  }

  #spawn(args) {
    // chorusd reads every CHORUS_* variable as configuration (and refuses unknown ones): the
    // test's configuration file alone configures it.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('CHORUS_')),
    );
    this.child = spawn(this.binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.child);
    const append = (chunk) => {
      this.output += chunk.toString();
      for (const check of [...this.#waiters]) check();
    };
    this.child.stdout.on('data', append);
    this.child.stderr.on('data', append);
    this.child.on('exit', (code, signal) => {
      running.delete(this.child);
      this.exitStatus = code ?? signal;
      // In the log a failing test saves: how it ended, which a signal does not say itself.
      this.output += `[e2e: chorusd exited, ${code === null ? `signal ${signal}` : `code ${code}`}]\n`;
      for (const check of [...this.#waiters]) check();
    });
  }
}
