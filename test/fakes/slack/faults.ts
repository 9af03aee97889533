// Faults the fake Slack can inject per method ("*" for every method, "response_url" for response_url posts):
// HTTP 429 with Retry-After, HTTP 5xx, an HTTP 200 {ok:false,error} answer, a redirect elsewhere, or a slow answer.

export type SlackFault =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'server-error'; status: number }
  | { kind: 'error'; code: string }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'delay'; ms: number };

interface PlannedFault {
  method: string;
  fault: SlackFault;
  /** How many more calls it applies to. */
  remaining: number;
}

export interface FaultTimes {
  /** How many calls the fault applies to (default 1; Infinity for every call). */
  times?: number;
}

export class SlackFaultPlan {
  private planned: PlannedFault[] = [];

  /** HTTP 429 with `Retry-After` (seconds) and {ok:false,error:"ratelimited"}. */
  rateLimit(method: string, options: FaultTimes & { retryAfterSeconds?: number } = {}): this {
    return this.add(method, { kind: 'rate-limit', retryAfterSeconds: options.retryAfterSeconds ?? 1 }, options.times);
  }

  /** An HTTP 5xx answer (default 500). */
  serverError(method: string, options: FaultTimes & { status?: number } = {}): this {
    return this.add(method, { kind: 'server-error', status: options.status ?? 500 }, options.times);
  }

  /** HTTP 200 with {ok:false, error: code}, as Slack reports method errors ("channel_not_found", "missing_scope"). */
  error(method: string, code: string, options: FaultTimes = {}): this {
    return this.add(method, { kind: 'error', code }, options.times);
  }

  /** An HTTP 3xx (default 307, which makes a client that follows it repeat the POST with its body) to `location`. */
  redirect(method: string, location: string, options: FaultTimes & { status?: number } = {}): this {
    return this.add(method, { kind: 'redirect', status: options.status ?? 307, location }, options.times);
  }

  /** Answer after `ms` milliseconds (default: every call). Delays combine with one other fault. */
  delay(method: string, ms: number, options: FaultTimes = {}): this {
    return this.add(method, { kind: 'delay', ms }, options.times ?? Number.POSITIVE_INFINITY);
  }

  clear(): void {
    this.planned = [];
  }

  /** The faults for this call, consuming one use of each: at most one delay and one answer-changing fault. */
  take(method: string): { delayMs: number; fault: Exclude<SlackFault, { kind: 'delay' }> | null } {
    let delayMs = 0;
    let fault: Exclude<SlackFault, { kind: 'delay' }> | null = null;
    for (const planned of this.planned) {
      if (planned.remaining <= 0 || (planned.method !== method && planned.method !== '*')) continue;
      if (planned.fault.kind === 'delay') {
        if (delayMs === 0) {
          delayMs = planned.fault.ms;
          planned.remaining -= 1;
        }
      } else if (fault === null) {
        fault = planned.fault;
        planned.remaining -= 1;
      }
    }
    this.planned = this.planned.filter((planned) => planned.remaining > 0);
    return { delayMs, fault };
  }

  private add(method: string, fault: SlackFault, times = 1): this {
    this.planned.push({ method, fault, remaining: times });
    return this;
  }
}
