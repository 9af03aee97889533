// Slack's guidance is to refuse a request whose timestamp is more than 5 minutes from now, either way, and a
// signed request must not be acted on twice. Bolt refuses old timestamps and bad signatures itself, but accepts
// timestamps up to 10 minutes ahead and the same signed request again inside its window (../shared/SLACK-TESTING.md):
// this closes both gaps. The HTTP receiver copies the two headers into the context (customPropertiesExtractor);
// request-gate.ts asks the guard.
//
// Bolt 5.1.0 (receivers/verify-request.js) reads the header with `signature.split('=')` and compares only the part
// between the first and second `=`, so `v0=<hash>=1` passes its check with the same hash: the guard accepts only
// the exact `v0=` + 64 lowercase hex digits Slack sends, and remembers the hash alone. Bolt refuses a request when
// `timestamp < floor(now) - 300`, i.e. it still accepts one at exactly timestamp + 300 s: an entry is kept until
// the clock is strictly past that.
import type { IncomingMessage } from 'node:http';

const REPLAY_WINDOW_SECONDS = 5 * 60;
const SIGNATURE_SHAPE = /^v0=([0-9a-f]{64})$/;

export interface SignedRequestHeaders {
  slackSignature?: string;
  slackRequestTimestamp?: string;
}

/** For HTTPReceiver's customPropertiesExtractor: the headers the guard needs, nothing else. */
export function signedRequestHeaders(request: IncomingMessage): SignedRequestHeaders {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return { slackSignature: header('x-slack-signature'), slackRequestTimestamp: header('x-slack-request-timestamp') };
}

export type ReplayVerdict = 'fresh' | 'replayed' | 'clock-skew' | 'malformed-signature';

/** Where the guard remembers what it has seen; the store's (store/seen-signatures.ts) is shared by every replica. */
export interface SeenSignatures {
  /**
   * Remembers `hash` until `acceptedUntil` (unix seconds); false if it is remembered already. Entries whose time has
   * passed (`< now`) may be forgotten. Async: the store's memory may be a database across the network.
   */
  remember(hash: string, acceptedUntil: number, now: number): Promise<boolean>;
}

/** One process's memory: enough for a single replica, and for tests. */
export class InProcessSeenSignatures implements SeenSignatures {
  /** Hash -> the last second Bolt still accepts the request (timestamp + 300). */
  private readonly seen = new Map<string, number>();

  async remember(hash: string, acceptedUntil: number, now: number): Promise<boolean> {
    // Entries are inserted in arrival order, close to expiry order; one still live stops the sweep (a later,
    // older one is then kept a little longer, never dropped early).
    for (const [seenHash, until] of this.seen) {
      if (until >= now) break;
      this.seen.delete(seenHash);
    }
    if (this.seen.has(hash)) return false;
    this.seen.set(hash, acceptedUntil);
    return true;
  }
}

/** Checks a signed request's form and time, and asks its memory whether the signature was seen before. */
export class ReplayGuard {
  constructor(
    private readonly memory: SeenSignatures = new InProcessSeenSignatures(),
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async check(signature: string, timestamp: number): Promise<ReplayVerdict> {
    const hash = SIGNATURE_SHAPE.exec(signature)?.[1];
    if (!hash) return 'malformed-signature';
    const now = this.nowSeconds();
    if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > REPLAY_WINDOW_SECONDS) return 'clock-skew';
    return (await this.memory.remember(hash, timestamp + REPLAY_WINDOW_SECONDS, now)) ? 'fresh' : 'replayed';
  }
}
