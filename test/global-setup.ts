import { referenceCrdsNotice } from './util/k8s-schema';

/**
 * Runs once before the test files: fails the run when the reference CRDs are missing and
 * required (`CI=true`), and otherwise says in one line which schema checks are skipped.
 */
export default function globalSetup(): void {
  const notice = referenceCrdsNotice();
  if (notice) process.stdout.write(`\n${notice}\n`);
}
