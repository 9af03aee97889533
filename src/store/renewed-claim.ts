// A claim kept for as long as some work lasts: renewed every `everyMs` for `leaseMs`, so a holder that dies stops
// renewing and its claim lapses one lease later. A renewal that finds the claim gone (it lapsed and another replica
// took it over), or that fails, is reported and the work goes on: stopping it halfway would help nobody.

export interface RenewedClaim {
  renew(key: string, leaseMs: number): Promise<boolean>;
}

export interface RenewingOptions {
  leaseMs: number;
  everyMs: number;
  /** A renewal found the claim no longer this holder's. */
  onLost(): void;
  onError(error: unknown): void;
}

export async function whileRenewing<T>(claims: RenewedClaim, key: string, options: RenewingOptions, work: () => Promise<T>): Promise<T> {
  const heartbeat = setInterval(() => {
    claims.renew(key, options.leaseMs).then((held) => held || options.onLost(), options.onError);
  }, options.everyMs);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
  }
}
