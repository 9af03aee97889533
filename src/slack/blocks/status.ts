// How a status and a severity look in Slack.
import type { FindingStatus, Severity } from '../../posture/model.js';

export const STATUS_EMOJI: Readonly<Record<FindingStatus, string>> = {
  fail: ':x:',
  error: ':grey_question:',
  warn: ':warning:',
  pass: ':white_check_mark:',
  'not-applicable': ':heavy_minus_sign:',
};

export const STATUS_LABEL: Readonly<Record<FindingStatus, string>> = {
  fail: 'Fail',
  error: 'Could not check',
  warn: 'Warning',
  pass: 'Pass',
  'not-applicable': 'Not applicable',
};

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};
