// The moto harness: with no python3 on PATH it skips with a reason, except under CI=true where it must fail.
import { afterEach, expect, test } from 'vitest';
import { motoSkipReason, startMoto } from '../fakes/moto.js';

const saved = { PATH: process.env.PATH, CI: process.env.CI };

afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.CI === undefined) delete process.env.CI;
  else process.env.CI = saved.CI;
});

test('missing python3/moto: null and a printed reason on a laptop', async () => {
  process.env.PATH = '/nonexistent-aws-root-guard-bin';
  delete process.env.CI;
  await expect(startMoto()).resolves.toBeNull();
  expect(motoSkipReason()).toMatch(/python3 is not available/);
});

test('missing python3/moto under CI=true: an error, never a silent skip', async () => {
  process.env.PATH = '/nonexistent-aws-root-guard-bin';
  process.env.CI = 'true';
  await expect(startMoto()).rejects.toThrow(/^CI=true but python3 is not available/);
});
