export { renderReportText } from './report-text.js';
export { exitCodeFor, exitCodeForAccounts } from './exit-code.js';
export { accountJson, toReportJson, type PostureReportJson } from './report-json.js';
export { renderOverviewText, type LeftOutAccount, type OverviewTextOptions } from './overview-text.js';
export { toOrganizationJson, type OrganizationAccountJson, type OrganizationJsonInput, type OrganizationReportJson } from './organization-json.js';
export { renderCoverageText } from './coverage-text.js';
