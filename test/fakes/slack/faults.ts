// Faults the fake Slack can inject per method ("*" for every method, "response_url" for response_url posts):
// HTTP 429 with Retry-After, HTTP 5xx, an HTTP 200 {ok:false,error} answer, a redirect elsewhere, a slow answer
// (delay: before the work), or a held answer (hold: the work is done, e.g. the message posted, and the answer comes
// late; the window in which a client that dies or gives up does not know Slack has its message).

export type SlackFault =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'server-error'; status: number }
  | { kind: 'error'; code: string }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hold'; ms: number };

interface PlannedFault {
  method: string;
  fault: SlackFault;
  /** How many more calls it applies to. */
  remaining: number;
  /** Or: every call until this time (epoch ms). */
  untilMs: number | null;
}

export interface FaultTimes {
  /** How many calls the fault applies to (default 1; Infinity for every call). */
  times?: number;
  /** Instead of a count: every call for this long from now (an outage). */
  forMs?: number;
}

export class SlackFaultPlan {
  private planned: PlannedFault[] = [];

  /** HTTP 429 with `Retry-After` (seconds) and {ok:false,error:"ratelimited"}. */
  rateLimit(method: string, options: FaultTimes & { retryAfterSeconds?: number } = {}): this {
    return this.add(method, { kind: 'rate-limit', retryAfterSeconds: options.retryAfterSeconds ?? 1 }, options);
  }

  /** An HTTP 5xx answer (default 500). */
  serverError(method: string, options: FaultTimes & { status?: number } = {}): this {
    return this.add(method, { kind: 'server-error', status: options.status ?? 500 }, options);
  }

  /** HTTP 200 with {ok:false, error: code}, as Slack reports method errors ("channel_not_found", "missing_scope"). */
  error(method: string, code: string, options: FaultTimes = {}): this {
    return this.add(method, { kind: 'error', code }, options);
  }

  /** An HTTP 3xx (default 307, which makes a client that follows it repeat the POST with its body) to `location`. */
  redirect(method: string, location: string, options: FaultTimes & { status?: number } = {}): this {
    return this.add(method, { kind: 'redirect', status: options.status ?? 307, location }, options);
  }

  /** Answer after `ms` milliseconds (default: every call). Delays combine with one other fault. */
  delay(method: string, ms: number, options: FaultTimes = {}): this {
    return this.add(method, { kind: 'delay', ms }, { times: Number.POSITIVE_INFINITY, ...options });
  }

  /** Do the work at once but answer after `ms` milliseconds (default: every call). */
  holdAnswer(method: string, ms: number, options: FaultTimes = {}): this {
    return this.add(method, { kind: 'hold', ms }, { times: Number.POSITIVE_INFINITY, ...options });
  }

  clear(): void {
    this.planned = [];
  }

  /** The faults for this call, consuming one use of each: at most one delay, one hold and one answer-changing fault. */
  take(method: string): { delayMs: number; holdMs: number; fault: Exclude<SlackFault, { kind: 'delay' | 'hold' }> | null } {
    let delayMs = 0;
    let holdMs = 0;
    let fault: Exclude<SlackFault, { kind: 'delay' | 'hold' }> | null = null;
    const now = Date.now();
    this.planned = this.planned.filter((planned) => planned.untilMs === null || planned.untilMs > now);
    for (const planned of this.planned) {
      if (planned.remaining <= 0 || (planned.method !== method && planned.method !== '*')) continue;
      if (planned.fault.kind === 'delay') {
        if (delayMs === 0) {
          delayMs = planned.fault.ms;
          planned.remaining -= 1;
        }
      } else if (planned.fault.kind === 'hold') {
        if (holdMs === 0) {
          holdMs = planned.fault.ms;
          planned.remaining -= 1;
        }
      } else if (fault === null) {
        fault = planned.fault;
        planned.remaining -= 1;
      }
    }
    this.planned = this.planned.filter((planned) => planned.remaining > 0);
    return { delayMs, holdMs, fault };
  }

  private add(method: string, fault: SlackFault, options: FaultTimes): this {
    const untilMs = options.forMs === undefined ? null : Date.now() + options.forMs;
    this.planned.push({ method, fault, remaining: untilMs === null ? (options.times ?? 1) : Number.POSITIVE_INFINITY, untilMs });
    return this;
  }
}
