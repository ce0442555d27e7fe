// What Cairn needs from git without running it: whether a folder is in a repository, the commit
// checked out (HEAD, read from the repository's files), and the .gitignore lines DVC writes for
// cached outs (scmrepo's Git.ignore): `/<name>` in a .gitignore beside the out, special characters
// escaped as gitwildmatch patterns, appended on a line of its own unless the same line is there
// already. Only outs that go into the cache get one (`cache: false` outs stay for git to track).
import fs from 'node:fs';
import path from 'node:path';

/** The folder of the git repository a path is in, or null when it is in none. */
export function gitRepositoryRoot(start: string): string | null {
  let current = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The commit checked out in the repository a folder is in (HEAD resolved through refs and packed-refs), or null. */
export function headCommit(start: string): string | null {
  const root = gitRepositoryRoot(start);
  if (!root) return null;
  let gitDir = path.join(root, '.git');
  // A worktree or submodule has a .git file pointing at its git folder, which may share a common one.
  const pointer = /^gitdir:\s*(.+)$/m.exec(readText(gitDir) ?? '');
  if (pointer) gitDir = path.resolve(root, pointer[1]!.trim());
  const common = readText(path.join(gitDir, 'commondir'));
  const commonDir = common ? path.resolve(gitDir, common.trim()) : gitDir;
  let head = readText(path.join(gitDir, 'HEAD'))?.trim() ?? '';
  for (let depth = 0; depth < 5 && head.startsWith('ref:'); depth++) {
    const ref = head.slice(4).trim();
    const loose = readText(path.join(gitDir, ref)) ?? readText(path.join(commonDir, ref));
    if (loose !== null) {
      head = loose.trim();
      continue;
    }
    const packed = (readText(path.join(commonDir, 'packed-refs')) ?? '').split('\n').find((line) => line.endsWith(` ${ref}`));
    head = packed ? packed.split(' ')[0]! : '';
  }
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head) ? head : null;
}

/** pathspec's GitWildMatchPattern.escape: backslash before []!*#? . */
function escapeGitPattern(text: string): string {
  return text.replace(/[[\]!*#?]/g, (ch) => `\\${ch}`);
}

/** Adds `/<name>` for an out (an absolute path) to the .gitignore beside it, as DVC does. */
export function ignoreOut(absoluteOut: string): void {
  const gitignore = path.join(path.dirname(absoluteOut), '.gitignore');
  const entry = escapeGitPattern(`/${path.basename(absoluteOut)}`);
  let existing = '';
  try {
    existing = fs.readFileSync(gitignore, 'utf8');
  } catch {
    // No .gitignore yet.
  }
  if (existing.split(/\r?\n/).includes(entry)) return;
  const prefix = existing === '' || existing.endsWith('\n') ? '' : '\n';
  fs.appendFileSync(gitignore, `${prefix}${entry}\n`);
}
