// The part of the Web API client the listeners use; Bolt's `client` (a WebClient) satisfies it, and unit tests
// pass a real WebClient pointed at the fake Slack.
import type { WebClient } from '@slack/web-api';

export type SlackClient = Pick<WebClient, 'chat' | 'usergroups'>;

export type Visibility = 'ephemeral' | 'in_channel';
