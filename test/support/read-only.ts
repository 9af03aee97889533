// Makes files and directories read-only in a way that also holds for root (CI runs as root, and root
// ignores permission bits): `chattr +i` (immutable: no writes, no new entries, for root too) when running
// as root, `chmod a-w` otherwise. This is what a read-only volume does to the bot, short of a mount.
import { execFileSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';

export interface ReadOnlyPaths {
  /** "chattr +i" or "chmod a-w". */
  how: string;
  undo(): void;
}

export function makeReadOnly(paths: readonly string[]): ReadOnlyPaths {
  if (process.getuid?.() === 0) {
    // Files first, then their directory: an immutable directory still lets its files be changed.
    execFileSync('chattr', ['+i', ...paths]);
    return { how: 'chattr +i', undo: () => execFileSync('chattr', ['-i', ...paths]) };
  }
  const modes = paths.map((path) => statSync(path).mode & 0o7777);
  for (const path of paths) chmodSync(path, statSync(path).mode & 0o7555);
  return {
    how: 'chmod a-w',
    undo: () => paths.forEach((path, index) => chmodSync(path, modes[index] as number)),
  };
}
