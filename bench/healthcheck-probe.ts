// The Docker HEALTHCHECK's cost per probe, as the image runs it (compiled JavaScript, a fresh `node` each
// probe, every 30 s for the life of the container). Baseline: `node dist/cli.js healthcheck`, the whole CLI
// (AWS SDK, Bolt, SQLite loaded), which is what the image ran before; candidate: `node dist/healthcheck-probe.js`,
// which loads the healthcheck command alone; floor: `node -e ""`, Node starting and doing nothing. Both probes
// ask a local /healthz that answers 200; alternating runs, medians of wall time and peak RSS (GNU time's %M).
// Goal: the probe takes at most a third of the CLI's time, and at most 5 MB more memory than bare Node.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { median } from './stats.js';

const REPETITIONS = 9;
const TIME_GOAL = 1 / 3;
const MEMORY_GOAL_OVER_FLOOR_MB = 5;
const GNU_TIME = '/usr/bin/time';

interface Probe {
  wallMs: number;
  peakRssMb: number;
  exitCode: number | null;
}

/** Runs one probe (asynchronously: the /healthz server lives in this process and must answer meanwhile). */
function runProbe(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Probe> {
  const started = process.hrtime.bigint();
  const child = spawn(GNU_TIME, ['-f', '%M', process.execPath, script, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => {
    child.once('close', (exitCode) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ wallMs, peakRssMb: Number(stderr.trim().split('\n').at(-1)) / 1024, exitCode });
    });
  });
}

export async function benchHealthcheckProbe(): Promise<{ lines: string[] }> {
  if (!existsSync(GNU_TIME)) return { lines: ['healthcheck probe: skipped, no GNU time at /usr/bin/time to read peak RSS'] };
  // Compiled inside the repository, so `node_modules` resolves as it does in the image.
  const buildRoot = mkdtempSync(join(process.cwd(), '.bench-healthcheck-'));
  const server = createServer((_request, response) => response.end('ok\n'));
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', join(buildRoot, 'dist'), '--sourceMap', 'false'], { stdio: 'inherit' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const env = { PATH: process.env.PATH, PORT: String((server.address() as AddressInfo).port), AWS_ROOT_GUARD_NO_DOTENV: '1' };
    const cli: Probe[] = [];
    const probe: Probe[] = [];
    const bare: Probe[] = [];
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      cli.push(await runProbe(join(buildRoot, 'dist/cli.js'), ['healthcheck'], env));
      probe.push(await runProbe(join(buildRoot, 'dist/healthcheck-probe.js'), [], env));
      bare.push(await runProbe('-e', [''], env));
    }
    const failed = [...cli, ...probe].filter((run) => run.exitCode !== 0).length;
    if (failed > 0) throw new Error(`${failed} healthcheck runs did not report healthy`);
    const figures = (runs: Probe[]) => ({ wallMs: median(runs.map((run) => run.wallMs)), rssMb: median(runs.map((run) => run.peakRssMb)) });
    const base = figures(cli);
    const candidate = figures(probe);
    const floor = figures(bare);
    const timeRatio = candidate.wallMs / base.wallMs;
    const overFloorMb = candidate.rssMb - floor.rssMb;
    const met = timeRatio <= TIME_GOAL && overFloorMb <= MEMORY_GOAL_OVER_FLOOR_MB;
    return {
      lines: [
        `healthcheck probe (${REPETITIONS} runs each, alternating, medians; a fresh node per probe as Docker runs it)`,
        `  baseline  node dist/cli.js healthcheck      ${base.wallMs.toFixed(0)} ms  ${base.rssMb.toFixed(1)} MB peak RSS`,
        `  candidate node dist/healthcheck-probe.js    ${candidate.wallMs.toFixed(0)} ms  ${candidate.rssMb.toFixed(1)} MB peak RSS`,
        `  floor     node -e ""                        ${floor.wallMs.toFixed(0)} ms  ${floor.rssMb.toFixed(1)} MB peak RSS`,
        `  probe/CLI time ${timeRatio.toFixed(2)} (goal <= ${TIME_GOAL.toFixed(2)}), memory ${(candidate.rssMb / base.rssMb).toFixed(2)}; probe over bare Node ${overFloorMb.toFixed(1)} MB (goal <= ${MEMORY_GOAL_OVER_FLOOR_MB} MB): ${met ? 'met' : 'NOT met'}`,
      ],
    };
  } finally {
    server.close();
    rmSync(buildRoot, { recursive: true, force: true });
  }
}
