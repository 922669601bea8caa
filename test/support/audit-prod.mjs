#!/usr/bin/env node
// `npm run audit:prod`: `npm audit --omit=dev`, failing on any high or critical advisory in the
// production dependencies.
//
// Exit 0: audited, nothing high or critical (lower severities are listed).
// Exit 1: high or critical advisories (listed, with the fix npm knows).
// Exit 2: npm audit failed in a way that is not "no advisory database here" (unreadable output,
//         no lockfile, an error of the registry's audit service itself...).
// Exit 0 with a WARNING: no advisory database could be reached — the registry has no audit
//         endpoint (404/405/501), a gateway in front of it failed (502/503/504), or the network
//         did not get there (DNS, refused, reset, timeout). Nothing was audited then, and it says
//         so. AUDIT_REQUIRED=1 makes that case fail too (exit 3), for a CI that must audit.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const UNREACHABLE_STATUS = new Set([404, 405, 501, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
const AUDIT_PATH = '/-/npm/v1/security/';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// With a file argument, reads a saved `npm audit --json` report instead (to check this script).
const run = process.argv[2]
  ? { status: 1, stdout: readFileSync(process.argv[2], 'utf8'), stderr: '' }
  : spawnSync(npm, ['audit', '--omit=dev', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });

function fail(code, message) {
  process.stderr.write(`audit:prod: ${message}\n`);
  process.exit(code);
}

if (run.error) fail(2, `could not run npm audit: ${run.error.message}`);

let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  fail(2, `npm audit (exit ${run.status}) gave no JSON report:\n${run.stdout}\n${run.stderr}`);
}

const counts = report?.metadata?.vulnerabilities;
if (counts && typeof counts === 'object') {
  const vulnerabilities = Object.values(report.vulnerabilities ?? {});
  const serious = vulnerabilities.filter((v) => v.severity === 'high' || v.severity === 'critical');
  const describe = (v) => {
    const via = (v.via ?? [])
      .map((item) => (typeof item === 'string' ? item : `${item.title ?? ''} ${item.url ?? ''}`.trim()))
      .join('; ');
    const fix =
      v.fixAvailable === true
        ? 'fix: npm audit fix'
        : v.fixAvailable
          ? `fix: ${v.fixAvailable.name}@${v.fixAvailable.version}${v.fixAvailable.isSemVerMajor ? ' (major)' : ''}`
          : 'no fix available';
    return `  ${v.severity.padEnd(8)} ${v.name} ${v.range ?? ''} — ${via} (${fix})`;
  };
  const summary = ['critical', 'high', 'moderate', 'low', 'info'].map((s) => `${counts[s] ?? 0} ${s}`).join(', ');
  if (serious.length > 0) {
    fail(
      1,
      `high or critical advisories in the production dependencies (${summary}):\n${serious.map(describe).join('\n')}`,
    );
  }
  const minor = vulnerabilities.filter((v) => !serious.includes(v));
  process.stdout.write(
    `audit:prod: production dependencies audited: ${summary}.\n${minor.map(describe).join('\n')}${minor.length ? '\n' : ''}`,
  );
  process.exit(0);
}

// No report: why? Only "no advisory database reachable" may pass.
// npm reports an HTTP answer as {statusCode, method, uri}, a network failure only in its message:
// "request to <uri> failed, reason: connect ECONNREFUSED ...".
const status = Number(report?.statusCode);
const message = String(report?.message ?? '');
const failedRequest = /^request to (\S+) failed, reason: .*?\b([A-Z_]{5,})\b/.exec(message);
const uri = String(report?.uri ?? failedRequest?.[1] ?? '');
const code = report?.code ?? failedRequest?.[2];
const unreachable =
  uri.includes(AUDIT_PATH) && (UNREACHABLE_STATUS.has(status) || (typeof code === 'string' && NETWORK_CODES.has(code)));
if (!unreachable) {
  fail(2, `npm audit failed (exit ${run.status}): ${JSON.stringify(report).slice(0, 2000)}\n${run.stderr}`);
}
const reason = UNREACHABLE_STATUS.has(status) ? `${report.method ?? ''} ${uri} answered ${status}` : message;
const warning = `WARNING: no advisory database reachable (${reason.trim()}); the production dependencies were NOT audited.`;
if (process.env.AUDIT_REQUIRED === '1') fail(3, `${warning} AUDIT_REQUIRED=1, so this fails.`);
process.stderr.write(`audit:prod: ${warning}\n`);
process.exit(0);
