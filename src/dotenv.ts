// Reads ./.env when present; variables already in the environment win (Node's own loader, no dependency).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function loadDotEnv(env: NodeJS.ProcessEnv, path = resolve(process.cwd(), '.env')): boolean {
  if (!existsSync(path) || env.AWS_ROOT_GUARD_NO_DOTENV === '1') return false;
  process.loadEnvFile(path);
  return true;
}
