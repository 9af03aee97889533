// What to call a root event of the kinds whose name says the change happened, when the call failed (errorCode):
// root only tried. Read by every headline (the alert's title, scan's grouping), so they say the same.
import type { RootEvent } from './model.js';

const ATTEMPT_TITLE: Partial<Readonly<Record<RootEvent['kind'], string>>> = {
  'root-logging-disabled': 'Root tried to turn off security logging',
  'root-access-change': 'Root tried to change IAM access',
};

/** The title of a failed call of this kind, or null when the kind's own title holds. */
export function attemptTitle(kind: RootEvent['kind'], errorCode: string | null | undefined): string | null {
  return errorCode ? (ATTEMPT_TITLE[kind] ?? null) : null;
}
