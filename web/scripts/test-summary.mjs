// Prints vitest's JSON report as one line CI can read: "web unit: N passed, M failed".
import { readFileSync } from 'node:fs';
try {
  const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  console.log(`web unit: ${r.numPassedTests} passed, ${r.numFailedTests} failed (${r.numTotalTestSuites} suites)`);
  for (const f of r.testResults ?? []) for (const t of f.assertionResults ?? []) if (t.status === 'failed') console.log(`not ok - ${t.fullName}`);
} catch (e) {
  console.log(`web unit: no report (${e.message})`);
}
