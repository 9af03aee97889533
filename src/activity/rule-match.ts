// What a rule set makes of one root call: the kind and severity it gives, and the action in words for the alert.
// Shared by the rule files (root-access-changes.ts, root-logging-changes.ts, account-contact-changes.ts) and
// read by classify.ts. Also the small field readers they all need, so each rule file reads records the same way.
import type { AlertSeverity, RootEventKind } from './model.js';

export interface RootCallMatch {
  kind: Exclude<RootEventKind, 'none' | 'console-login-success' | 'console-login-failure'>;
  severity: AlertSeverity;
  /** What the call did, in words ("stopped logging on CloudTrail trail management-events"). */
  action: string;
  /** A task only root can do (expected root use, if planned). */
  rootOnlyTask: boolean;
}

export function objectField(value: unknown, field: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fieldValue = (value as Record<string, unknown>)[field];
  return typeof fieldValue === 'object' && fieldValue !== null && !Array.isArray(fieldValue) ? (fieldValue as Record<string, unknown>) : undefined;
}

export function stringField(value: unknown, field: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fieldValue = (value as Record<string, unknown>)[field];
  return typeof fieldValue === 'string' && fieldValue.length > 0 ? fieldValue : undefined;
}

export function arrayField(value: unknown, field: string): unknown[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fieldValue = (value as Record<string, unknown>)[field];
  return Array.isArray(fieldValue) ? fieldValue : undefined;
}

/** CloudTrail logs booleans as JSON booleans; a few tools send the strings. */
export function booleanField(value: unknown, field: string): boolean | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fieldValue = (value as Record<string, unknown>)[field];
  if (typeof fieldValue === 'boolean') return fieldValue;
  if (fieldValue === 'true' || fieldValue === 'false') return fieldValue === 'true';
  return undefined;
}

/** The last part of an ARN or path ("arn:aws:cloudtrail:us-east-1:111122223333:trail/main" -> "main"). */
export function shortName(nameOrArn: string): string {
  const slash = nameOrArn.lastIndexOf('/');
  return slash >= 0 && slash < nameOrArn.length - 1 ? nameOrArn.slice(slash + 1) : nameOrArn;
}
