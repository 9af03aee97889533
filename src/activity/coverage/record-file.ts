// The coverage record in DATA_DIR (coverage.json), written by the bot after every poll pass (atomically: a reader
// never sees half a file) and read by `aws-root-guard status`, which runs in another process.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoverageRecord } from './model.js';

export const COVERAGE_FILE = 'coverage.json';

export function writeCoverageRecord(dataDir: string, record: CoverageRecord): void {
  const path = join(dataDir, COVERAGE_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(record), { mode: 0o600 });
  renameSync(temporary, path);
}

/** The record, or null when there is none yet; a file that is not a record says so (it is never half-written). */
export function readCoverageRecord(dataDir: string): CoverageRecord | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, COVERAGE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const record = JSON.parse(text) as Partial<CoverageRecord>;
  if (typeof record.writtenAt !== 'string' || !Array.isArray(record.accounts) || typeof record.pollIntervalMs !== 'number') {
    throw new Error(`${join(dataDir, COVERAGE_FILE)} is not a coverage record: remove it, and the bot writes it again after its next poll pass`);
  }
  return record as CoverageRecord;
}
