// A data check's report as JUnit XML, so that CI systems show each rule as a test case.
import type { CheckReport } from '../../../shared/data-models';

/** The JUnit XML text of a check report: one test suite, one test case per rule. */
export function checkReportJunitXml(report: CheckReport): string {
  return checkReportsJunitXml([{ suite: `cairn data check ${report.data.label}`, report }]);
}

/** The JUnit XML text of several check reports: one named test suite per report, one test case per rule. */
export function checkReportsJunitXml(suites: ReadonlyArray<{ readonly suite: string; readonly report: CheckReport }>): string {
  const total = (count: (report: CheckReport) => number) => suites.reduce((sum, item) => sum + count(item.report), 0);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cairn data check" tests="${total((report) => report.rules.length)}" failures="${total((report) => report.failed)}" time="${seconds(total((report) => report.durationMs))}">`,
  ];
  for (const { suite, report } of suites) {
    lines.push(
      `  <testsuite name="${escape(suite)}" tests="${report.rules.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds(report.durationMs)}" timestamp="${new Date(report.checkedTime).toISOString()}">`,
    );
    for (const rule of report.rules) {
      const open = `    <testcase classname="${escape(suite)}" name="${escape(rule.name)}" time="0">`;
      if (rule.passed) {
        lines.push(`${open}</testcase>`);
        continue;
      }
      const details = [rule.message, ...(rule.examples.length ? ['Examples:', ...rule.examples.map((example) => `  ${example}`)] : [])].join('\n');
      lines.push(`${open}\n      <failure message="${escape(rule.message)}" type="${rule.kind}">${escape(details)}</failure>\n    </testcase>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function escape(text: string): string {
  // XML 1.0 has no place for most control characters: drop them rather than write an invalid file.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}
