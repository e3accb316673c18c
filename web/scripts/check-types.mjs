// Type-checks the SDK and the demo (JavaScript with JSDoc, `tsc --checkJs` in strict mode,
// tsconfig.json) and checks that the committed sdk/chorus.d.ts is what tsc generates from the
// SDK now (tsconfig.declarations.json), so that the two cannot drift apart. Run by ctest (lint.web_sdk)
// and by `npm run check`; needs `npm ci` in web/ (scripts/install-deps.sh does it).
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(web, 'node_modules', 'typescript', 'bin', 'tsc');

async function runTsc(args) {
  try {
    await execFileAsync(process.execPath, [tsc, ...args], { cwd: web });
    return null;
  } catch (error) {
    return `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message;
  }
}

try {
  await access(tsc);
} catch {
  console.error(`no TypeScript in ${join(web, 'node_modules')}: run scripts/install-deps.sh ` +
    '(or `npm ci` in web/)');
  process.exit(1);
}

const typeErrors = await runTsc(['-p', 'tsconfig.json']);
if (typeErrors) {
  console.error(`the SDK or the demo does not type-check:\n${typeErrors}`);
  process.exit(1);
}

const outDir = await mkdtemp(join(tmpdir(), 'chorus-dts-'));
try {
  const declarationErrors = await runTsc(['-p', 'tsconfig.declarations.json', '--outDir', outDir]);
  if (declarationErrors) {
    console.error(`tsc could not generate the declarations:\n${declarationErrors}`);
    process.exit(1);
  }
  const generated = await readFile(join(outDir, 'chorus.d.ts'), 'utf8');
  const committed = await readFile(join(web, 'sdk', 'chorus.d.ts'), 'utf8');
  if (generated !== committed) {
    console.error('sdk/chorus.d.ts is out of date: run `npm run declarations` in web/ and ' +
      'commit the result');
    process.exit(1);
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
console.log('sdk/chorus.js and demo/demo.js type-check; sdk/chorus.d.ts is up to date');
