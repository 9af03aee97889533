// Every listener of the app. Listeners stay thin: ack, check who asks, call the core, render, respond.
import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { register as registerActions } from './actions/index.js';
import { register as registerCommands } from './commands/index.js';
import { register as registerViews } from './views/index.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
}
