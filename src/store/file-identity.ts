// Which file the open database is: device and inode, taken at open. A database file deleted or replaced
// while the bot runs (a volume remounted, a restore over it, rm) leaves SQLite writing to the old, unlinked
// inode; everything committed from then on is lost at the next restart. Comparing the path's identity
// with the one opened tells the bot to stop instead.
import { statSync } from 'node:fs';

export interface FileIdentity {
  dev: number;
  ino: number;
}

export function fileIdentity(path: string): FileIdentity {
  const stats = statSync(path);
  return { dev: stats.dev, ino: stats.ino };
}

/** Null while `path` is still the file opened; otherwise what happened to it. */
export function fileIdentityProblem(path: string, opened: FileIdentity): string | null {
  let now: FileIdentity;
  try {
    now = fileIdentity(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return `the database file ${path} was deleted while the bot was running`;
    return `the database file ${path} cannot be read (${typeof code === 'string' ? code : String(error)})`;
  }
  if (now.dev !== opened.dev || now.ino !== opened.ino) return `the database file ${path} was replaced by another file while the bot was running`;
  return null;
}
