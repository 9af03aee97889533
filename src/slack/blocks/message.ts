// What every renderer returns: blocks plus the top-level `text` that notifications and screen readers show.
import type { KnownBlock } from '@slack/types';

export interface SlackMessage {
  /** Never empty: Slack shows it in notifications and where blocks cannot be displayed. */
  text: string;
  blocks: KnownBlock[];
}
