/**
 * Every test file writes its cloud assemblies (each App stages the 36 MB kubectl
 * layer) into a temporary folder of its own, removed when the file is done:
 * a whole run otherwise leaves tens of gigabytes in the system's temp folder.
 *
 * Jest gives each test file a copy of `process.env`, which Node's `os.tmpdir()`
 * does not read, so the (shared, per worker) `os` module is pointed at the
 * file's folder instead; a worker runs one file at a time.
 */
import * as fs from 'fs';
import * as path from 'path';

// The module object itself (an ES namespace import would be read-only).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const os: typeof import('os') = require('os');

const systemTmpdir = os.tmpdir;
const dir = fs.mkdtempSync(path.join(systemTmpdir(), 'cdk-lattice-eks-test-'));
os.tmpdir = () => dir;

afterAll(() => {
  os.tmpdir = systemTmpdir;
  fs.rmSync(dir, { recursive: true, force: true });
});
