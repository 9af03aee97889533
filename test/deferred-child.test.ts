// deferredChild (src/log.ts): a request's logger that becomes a pino child only when a line is written at an
// enabled level, with the request's bindings and the same secret scrubbing as every other line.
import { expect, it, vi } from 'vitest';
import { createLogger, deferredChild } from '../src/log.js';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level, secretValues: ['xoxb-secret-token-value'], destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

it('makes no child for lines below the level, and one child for the lines written', () => {
  const { logger, lines } = capture('info');
  const child = vi.spyOn(logger, 'child');
  const log = deferredChild(logger, { command: '/aws-root-check', userId: 'U0ALICE' });
  log.debug({ step: 1 }, 'not written');
  expect(child).not.toHaveBeenCalled();
  log.info({ step: 2 }, 'written');
  log.warn({ step: 3 }, 'written too');
  expect(child).toHaveBeenCalledTimes(1);
  expect(lines.map((line) => [line.level, line.step, line.userId, line.command, line.msg])).toEqual([
    [30, 2, 'U0ALICE', '/aws-root-check', 'written'],
    [40, 3, 'U0ALICE', '/aws-root-check', 'written too'],
  ]);
});

it('scrubs secrets in its lines as the parent does', () => {
  const { logger, lines } = capture('debug');
  deferredChild(logger, { userId: 'U0ALICE' }).error({ detail: 'token xoxb-secret-token-value leaked' }, 'failed');
  expect(JSON.stringify(lines)).not.toContain('xoxb-secret-token-value');
  expect(lines[0]?.userId).toBe('U0ALICE');
});
