// ctest's fixture before the browser tests: node_modules must hold what package-lock.json pins
// (scripts/install-deps.sh runs `npm ci`), else every browser test would fail confusingly.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8'));
const problems = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  if (path === '') continue;
  let installed;
  try {
    installed = JSON.parse(await readFile(join(root, path, 'package.json'), 'utf8')).version;
  } catch {
    installed = 'nothing';
  }
  if (installed !== entry.version) {
    problems.push(`${path}: package-lock.json pins ${entry.version}, installed is ${installed}`);
  }
}
if (problems.length > 0) {
  console.error(
    `tests/e2e is not installed as locked:\n  ${problems.join('\n  ')}\n` +
      'run scripts/install-deps.sh (it runs `npm ci` in tests/e2e)',
  );
  process.exit(1);
}
console.log(`tests/e2e: ${Object.keys(lock.packages).length - 1} locked packages installed`);
