// Masking for Slack messages: the shared shape masking (src/secrets.ts) applied to every string of a message.
import { maskSecrets, redactSecrets } from '../../secrets.js';

export { maskSecrets, redactSecrets };

/** `message` with `maskSecrets` applied to every string in it (for known secret values, which have no shape). */
export function maskMessageSecrets<T>(message: T, secretValues: readonly string[]): T {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return maskSecrets(value, secretValues);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    }
    return value;
  };
  return walk(message) as T;
}
