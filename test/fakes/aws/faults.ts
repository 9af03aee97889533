// Fault injection for the fake AWS (and the moto fault front): per operation (and optionally per Region, or only for
// calls with some parameters), a fault answers instead of the operation for its next `times` calls (default: every
// call), or delays the real answer.

export type FaultKind = 'AccessDenied' | 'Throttling' | 'ServerError' | 'Delay';

export interface Fault {
  /** Operation name as on the wire: "GetCredentialReport", "LookupEvents", "GetAlternateContact", ... */
  operation: string;
  kind: FaultKind;
  /** How many calls it hits before the operation answers normally again; Infinity when left out. */
  times?: number;
  /** Only calls signed for this Region. */
  region?: string;
  /** Only calls whose parameters include these values ({ QueueUrl: dlqUrl }: one queue of several). */
  params?: Record<string, string>;
  /** Delay: how long to hold the answer. */
  delayMs?: number;
  /** ServerError: the HTTP status (500 or 503). */
  status?: 500 | 503;
}

interface FaultOptions {
  times?: number;
  region?: string;
  params?: Record<string, string>;
}

export class FaultPlan {
  private readonly active: Array<Fault & { left: number }> = [];
  /** LookupEvents answers ThrottlingException "Rate exceeded" past 2 requests per second per Region, as CloudTrail does. */
  lookupEventsRateLimit = false;
  /** STS answers Throttling "Rate exceeded" above this many requests in any second (null: no limit). */
  stsRatePerSecond: number | null = null;

  add(fault: Fault): this {
    this.active.push({ ...fault, left: fault.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  accessDenied(operation: string, options: FaultOptions = {}): this {
    return this.add({ operation, kind: 'AccessDenied', ...options });
  }

  throttle(operation: string, options: FaultOptions = {}): this {
    return this.add({ operation, kind: 'Throttling', ...options });
  }

  serverError(operation: string, options: FaultOptions & { status?: 500 | 503 } = {}): this {
    return this.add({ operation, kind: 'ServerError', ...options });
  }

  delay(operation: string, delayMs: number, options: FaultOptions = {}): this {
    return this.add({ operation, kind: 'Delay', delayMs, ...options });
  }

  clear(): void {
    this.active.length = 0;
    this.lookupEventsRateLimit = false;
    this.stsRatePerSecond = null;
  }

  /** The fault this call meets, if any, used up by one. */
  take(operation: string, region: string, params: Record<string, unknown> = {}): Fault | null {
    const matches = (wanted: Record<string, string> | undefined) => !wanted || Object.entries(wanted).every(([name, value]) => params[name] === value);
    const fault = this.active.find((candidate) => candidate.operation === operation && candidate.left > 0 && (!candidate.region || candidate.region === region) && matches(candidate.params));
    if (!fault) return null;
    fault.left -= 1;
    return fault;
  }
}
