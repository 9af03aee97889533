// Where the bot may POST a reply: a signed request names its response_url, and the bot must not be turned into a
// way to send its reports anywhere. Slack's response_urls live on hooks.slack.com (hooks.slack-gov.com for
// GovSlack), always over https; a test Slack or a proxy set as SLACK_API_URL is trusted for its own origin
// (scheme, host and port) too. Pure.

const SLACK_HOOK_ORIGINS: readonly string[] = ['https://hooks.slack.com', 'https://hooks.slack-gov.com'];
const SLACK_API_ORIGINS: readonly string[] = ['https://slack.com', 'https://slack-gov.com'];

export interface ResponseUrlPolicy {
  allows(responseUrl: string): boolean;
  /** For logs: who the policy trusts. */
  readonly origins: readonly string[];
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

export function responseUrlPolicy(slackApiUrl: string): ResponseUrlPolicy {
  const apiOrigin = originOf(slackApiUrl);
  const origins = apiOrigin && !SLACK_API_ORIGINS.includes(apiOrigin) ? [...SLACK_HOOK_ORIGINS, apiOrigin] : [...SLACK_HOOK_ORIGINS];
  const prefixes = origins.map((origin) => `${origin}/`);
  return {
    origins,
    // new URL() normalises case, default ports and dot segments, so "https://HOOKS.slack.com:443/x" passes and
    // "https://hooks.slack.com.evil.example/" or "https://user@evil.example/" do not.
    allows: (responseUrl) => {
      // Fast path, no URL parse: everything after "<origin>/" is the path, whatever it holds.
      for (const prefix of prefixes) if (responseUrl.startsWith(prefix)) return true;
      const origin = originOf(responseUrl);
      return origin !== null && origins.includes(origin);
    },
  };
}

/** The host a refused URL names, for a log line (never the whole URL, which the sender chose). */
export function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
