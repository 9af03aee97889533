// What recording a week's summary queues (pure): its top-level post, then one thread reply per detail part, each
// naming the week (the sender renders them from the ledger row when it sends them).

export interface WeeklySummaryRequest {
  weekKey: string;
  summary: unknown;
  threadParts?: unknown[];
  channel?: string | null;
}

export interface WeeklySummaryOutbox {
  post: { payload: { weekKey: string }; channel: string | null };
  replies: Array<{ payload: { weekKey: string; part: number } }>;
  threadParts: unknown[];
}

/** The outbox rows of a week not recorded yet: one post and a reply per thread part, in order. */
export function weeklySummaryOutbox(request: WeeklySummaryRequest): WeeklySummaryOutbox {
  const threadParts = request.threadParts ?? [];
  return {
    post: { payload: { weekKey: request.weekKey }, channel: request.channel ?? null },
    replies: threadParts.map((_part, index) => ({ payload: { weekKey: request.weekKey, part: index } })),
    threadParts,
  };
}
