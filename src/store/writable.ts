// Writability is checked by writing, not by asking: SQLite opens a file it may not write read-only
// without a word (better-sqlite3's `readonly` stays false, and BEGIN IMMEDIATE still succeeds), so the
// failure would only show at the first commit. access(W_OK) is no help either: it says yes to root, and
// a read-only mount or an immutable file refuses root too.
import { closeSync, constants, existsSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class StoreNotWritableError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    what: string,
  ) {
    super(`${what} (${code}): the bot keeps its state there and must be able to write it. Point DATA_DIR at a writable directory (a Docker volume mounted read-write), or fix its owner and mode (the bot runs as the user "node" in the image).`);
    this.name = 'StoreNotWritableError';
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'Error';
}

/** Creates, writes, syncs and removes a probe file in `directory`. */
export function assertDirectoryWritable(directory: string): void {
  const probe = join(directory, `.write-probe-${process.pid}`);
  try {
    const fd = openSync(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    try {
      writeSync(fd, 'probe');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (error) {
    throw new StoreNotWritableError(directory, errorCode(error), `cannot write in the data directory ${directory}`);
  }
}

/** Opens an existing file for writing (without changing it), so a read-only one fails here. */
export function assertFileWritable(path: string): void {
  if (!existsSync(path)) return;
  try {
    closeSync(openSync(path, 'r+'));
  } catch (error) {
    throw new StoreNotWritableError(path, errorCode(error), `cannot write the database file ${path}`);
  }
}
