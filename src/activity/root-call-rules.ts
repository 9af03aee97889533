// Which rule set judges a root call, in order of precedence: root's own credentials first (a way into root
// itself), then turning off the record (critical whatever else it is), IAM access changes (never expected root
// use), root-only tasks (expected root use, if planned), account contact changes (root use an IAM administrator
// could have done). The first that matches gives the kind, severity and words; none matching is a plain root API
// call (classify.ts). Pure table lookups: this runs on every root record.
import { findAccountContactChange } from './account-contact-changes.js';
import { findRootAccessChange } from './root-access-changes.js';
import { findRootCredentialChange } from './root-credential-changes.js';
import { findRootLoggingChange } from './root-logging-changes.js';
import { findRootOnlyTask } from './root-only-tasks.js';
import type { RootCallMatch } from './rule-match.js';

export function matchRootCall(eventSource: string, eventName: string, requestParameters: unknown, responseElements: unknown): RootCallMatch | null {
  const credentialChange = findRootCredentialChange(eventSource, eventName, requestParameters, responseElements);
  if (credentialChange !== null) return { kind: 'root-credential-change', severity: credentialChange.severity, action: credentialChange.action, rootOnlyTask: false };
  const loggingChange = findRootLoggingChange(eventSource, eventName, requestParameters);
  if (loggingChange !== null) return loggingChange;
  const accessChange = findRootAccessChange(eventSource, eventName, requestParameters);
  if (accessChange !== null) return accessChange;
  const task = findRootOnlyTask(eventSource, eventName, requestParameters);
  if (task !== null) return { kind: 'root-only-task', severity: task.severity, action: task.task, rootOnlyTask: true };
  return findAccountContactChange(eventSource, eventName, requestParameters);
}
