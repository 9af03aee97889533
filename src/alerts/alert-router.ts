// The alert router the bot runs: ALERT_ROUTES (alerts/routes.ts) plus where each account sits, learnt from every
// listing of the watched accounts (OUs move, accounts join), so each alert's channel is decided when it is queued.
import type { GroupCommitSink, IngestBatch, IngestSink, PollBatch, PollSink } from '../activity/index.js';
import { alertChannelFor, type AlertRoutes } from './routes.js';

export interface AlertRouter {
  /** The channel of a new alert (or posture alert) about this account. */
  channelFor(accountId: string): string;
  /** Remembers where these accounts sit (their root-to-parent OU ids), replacing what an earlier listing said. */
  learnPlacements(accounts: ReadonlyArray<{ id: string; ouIdPath?: readonly string[] }>): void;
}

export function createAlertRouter(routes: AlertRoutes, defaultChannel: string): AlertRouter {
  let placements = new Map<string, readonly string[]>();
  return {
    channelFor: (accountId) => alertChannelFor(routes, { accountId, ouPath: placements.get(accountId) ?? [] }, defaultChannel),
    learnPlacements(accounts) {
      placements = new Map(accounts.map((account) => [account.id, account.ouIdPath ?? []]));
    },
  };
}

function routed<B extends IngestBatch>(batch: B, router: AlertRouter): B {
  return { ...batch, events: batch.events.map((ingested) => ({ ...ingested, alertChannel: router.channelFor(ingested.event.accountId) })) };
}

function routedPollSink(sink: PollSink, router: AlertRouter): PollSink {
  return {
    commitBatch: (batch: PollBatch) => sink.commitBatch(routed(batch, router)),
    readCursor: (accountId, region) => sink.readCursor(accountId, region),
  };
}

/** The store's ingest seams with each event's alert channel filled in, for every source alike (in a transaction too). */
export function routedSink<S extends IngestSink & GroupCommitSink>(sink: S, router: AlertRouter): IngestSink & GroupCommitSink {
  return {
    ...routedPollSink(sink, router),
    ingestEvents: (batch) => sink.ingestEvents(routed(batch, router)),
    transaction: (work) => sink.transaction((tx) => work(routedPollSink(tx, router))),
  };
}
