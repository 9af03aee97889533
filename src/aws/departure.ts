// When a request really leaves for AWS. Between client.send() and the socket the SDK awaits its way through
// serialization, endpoint resolution, credentials and signing; on a loaded event loop that can take hundreds of ms,
// so a limiter that spaced requests from the send() call could let two reach AWS closer than it meant. A hook
// registered for a command's input runs in the client's innermost middleware, just before the HTTP handler.
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';

const hooks = new WeakMap<object, () => void>();

/** `hook` runs each time the command whose input this is leaves (each attempt, when the SDK retries it). */
export function onDeparture(input: object, hook: () => void): void {
  hooks.set(input, hook);
}

const DEPARTURE_MIDDLEWARE = 'rootGuardDepartureMiddleware';

/** Adds the departure middleware to a client: last of the deserialize step, so the HTTP handler comes next. */
export function addDepartureMiddleware(client: CloudTrailClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      hooks.get(args.input)?.();
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: DEPARTURE_MIDDLEWARE, override: true },
  );
}
