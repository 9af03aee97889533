// moto server (python3 -m moto.server) as a real AWS emulator for integration tests: one server per test
// file on a free loopback port. Where python3 or moto is missing, startMoto() returns null and the tests
// skip with a printed reason; under CI=true a missing moto is an error, so CI never silently skips.
//
//   const moto = await startMoto();              // null: skip (see motoSkipReason)
//   const clients = createAwsClients({ region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS });
//   await moto.reset();                          // POST /moto-api/reset between tests
//   await moto.stop();
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoServer {
  url: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** moto accepts any credentials; these only need the right shape for SigV4. */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAMOTOTESTKEY00001', secretAccessKey: 'moto-test-secret-access-key' };

const STARTUP_TIMEOUT_MS = 20_000;
let unavailableReason: string | null = null;

/** Why moto tests are skipped on this machine ('' while moto is available). */
export function motoSkipReason(): string {
  return unavailableReason ?? '';
}

function motoInstalled(): string | null {
  const probe = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8', timeout: 15_000 });
  if (probe.error) return `python3 is not available (${probe.error.message})`;
  if (probe.status !== 0) return `moto server is not installed for python3 (pip install "moto[server]"): ${probe.stderr.trim().split('\n').pop() ?? ''}`;
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto server exited with code ${child.exitCode}: ${output()}`);
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto server did not answer within ${STARTUP_TIMEOUT_MS} ms: ${output()}`);
}

async function launch(): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(url, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    async reset() {
      const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** Starts moto, or returns null (with motoSkipReason() set) when it is not installed and CI is not 'true'. */
export async function startMoto(): Promise<MotoServer | null> {
  const missing = motoInstalled();
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`CI=true but ${missing}`);
    unavailableReason = missing;
    process.stdout.write(`[moto] skipping moto integration tests: ${missing}\n`);
    return null;
  }
  // A port taken between probing and binding: try again on another one.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await launch();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
