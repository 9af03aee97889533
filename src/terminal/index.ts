export { renderReportText, exitCodeFor } from './report-text.js';
export { toReportJson, type PostureReportJson } from './report-json.js';
