// The shared vocabulary of configuration parsing: the error that lists every problem, and the small readers
// each room's settings use, so every message names the variable, the allowed range and the default.

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSet these in the environment or in a .env file (see .env.example).`);
    this.name = 'ConfigError';
  }
}

/** A whole number from `min` to `max`, or `fallback` when unset; a bad value is a problem named with its unit. */
export function readWholeNumber(env: Env, name: string, fallback: number, min: number, max: number, unit: string, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name}="${raw}" is not a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max} (default ${fallback})`);
    return fallback;
  }
  return value;
}
