// Posts to a payload's response_url with Node's fetch, whose connection pool keeps loopback and TLS connections
// alive: cheaper per message than Bolt's own respond(), which opens a new connection each time (bench/ack-latency.ts).
import type { RespondArguments, RespondFn } from '@slack/bolt';

export function respondThroughResponseUrl(responseUrl: string): RespondFn {
  return async (message: string | RespondArguments) => {
    const body = typeof message === 'string' ? { text: message } : message;
    const answer = await fetch(responseUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`Failed to respond to the response_url: HTTP ${answer.status} ${text.slice(0, 200)}`);
    return text as unknown as Awaited<ReturnType<RespondFn>>;
  };
}
