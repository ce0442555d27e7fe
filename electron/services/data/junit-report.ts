// A data check's report as JUnit XML, so that CI systems show each rule as a test case.
import type { CheckReport } from '../../../shared/data-models';

/** The JUnit XML text of a check report: one test suite, one test case per rule. */
export function checkReportJunitXml(report: CheckReport): string {
  const suite = `cairn data check ${report.data.label}`;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const cases = report.rules.map((rule) => {
    const open = `    <testcase classname="${escape(suite)}" name="${escape(rule.name)}" time="0">`;
    if (rule.passed) return `${open}</testcase>`;
    const details = [rule.message, ...(rule.examples.length ? ['Examples:', ...rule.examples.map((example) => `  ${example}`)] : [])].join('\n');
    return `${open}\n      <failure message="${escape(rule.message)}" type="${rule.kind}">${escape(details)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cairn data check" tests="${report.rules.length}" failures="${report.failed}" time="${seconds}">`,
    `  <testsuite name="${escape(suite)}" tests="${report.rules.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds}" timestamp="${new Date(report.checkedTime).toISOString()}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function escape(text: string): string {
  // XML 1.0 has no place for most control characters: drop them rather than write an invalid file.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}
