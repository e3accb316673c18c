// What a failing browser test leaves behind for a person to read: the server's log and each
// page's console, in the folder named by E2E_ARTIFACTS_DIR (ctest points it into the build
// folder).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Writes `files` ({name: text}) into a folder named after the test; returns that folder, or
// undefined when E2E_ARTIFACTS_DIR is not set.
export async function saveArtifacts(testName, files) {
  const root = process.env.E2E_ARTIFACTS_DIR;
  if (!root) return undefined;
  const dir = join(root, testName.replace(/[^a-zA-Z0-9._-]+/g, '-'));
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text);
  }
  return dir;
}
