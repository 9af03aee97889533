// Runs every benchmark and prints its figures. `npm run bench`.
import { benchPostureWallTime } from './posture-wall-time.js';

const benches: Array<[string, () => Promise<{ lines: string[] }>]> = [['posture', benchPostureWallTime]];

const only = process.argv[2];
for (const [name, bench] of benches) {
  if (only && only !== name) continue;
  const result = await bench();
  console.log(result.lines.join('\n'));
  console.log();
}
