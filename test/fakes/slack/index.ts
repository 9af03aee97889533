// A wire-level fake of the Slack Web API and of response_url endpoints, for tests and benchmarks: Bolt and
// @slack/web-api talk to it over HTTP on 127.0.0.1 exactly as they talk to slack.com.
//   - POST /api/<method>: form-encoded (JSON values such as blocks/view inside fields) or JSON, token in
//     `Authorization: Bearer xoxb-…` (or a `token` field). Answers auth.test, chat.postMessage, chat.update,
//     chat.postEphemeral, conversations.history and conversations.replies (paged, message metadata with
//     include_all_metadata, missing_scope without the history scopes in state.botScopes), views.open,
//     usergroups.users.list, apps.connections.open (xapp- token) with the documented shapes; errors are HTTP 200 {ok:false,error}; an unknown token is invalid_auth, none is not_authed, the
//     workspace's other token (xapp- for chat.*, xoxb- for apps.connections.open) is not_allowed_token_type.
//   - POST /respond/<id>: a response_url (JSON body). 5 uses within 30 minutes, then HTTP 404 {ok:false,error}.
//   - Socket Mode (option socketMode: true): apps.connections.open hands out a ws:// URL served by `fake.socketMode`.
//
//   const slack = await startFakeSlack({ socketMode: true });
//   const app = createSlackApp({ ...config, apiUrl: slack.apiUrl, botToken: slack.botToken }, deps,
//     { clientOptions: { retryConfig: { retries: 0 } } });
//   const responseUrl = slack.newResponseUrl();        // put it in a slash command / block_actions payload
//   await signedSlashCommand(receiverUrl, secret, slashCommandFields({ responseUrl, text: 'public' }));
//   slack.responsesTo(responseUrl);                     // bodies posted to it (slack.responseUrlPosts: all)
//   slack.calls('chat.postMessage');                    // recorded Web API calls (slack.requests: all)
//   slack.state.usergroups.set('S0SECOPS', ['U0ALICE']); // the workspace: tokens, bot, groups, messages
//   slack.faults.rateLimit('chat.postMessage', { retryAfterSeconds: 1 }); // or serverError / error / delay
//   slack.faults.serverError('*', { forMs: 2_000 });     // an outage: every call answers 500 for 2 s
//   slack.faults.holdAnswer('chat.postMessage', 3_000);  // posted at once, answered 3 s later
//   slack.now = () => later;                            // the clock of response_url expiry
//   await slack.close();
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackFaultPlan } from './faults.js';
import { BodyParseError, parseApiBody, type ApiArgs } from './request-body.js';
import { ResponseUrls, type ResponseUrlPost } from './response-urls.js';
import { startFakeSocketMode, type FakeSocketMode } from './socket-mode.js';
import { defaultState, type FakeSlackState } from './state.js';
import { APP_TOKEN_METHODS, METHODS, type ApiAnswer } from './web-api.js';

export * from './payloads.js';
export * from './signed-requests.js';
export { SlackFaultPlan, type SlackFault } from './faults.js';
export { RESPONSE_URL_LIFETIME_MS, RESPONSE_URL_MAX_USES, type ResponseUrlPost } from './response-urls.js';
export type { EnvelopeType, FakeSocketMode, SocketModeAck } from './socket-mode.js';
export type * from './state.js';

export type TokenKind = 'bot' | 'app' | 'unknown' | 'none';

/** One Web API call as the fake saw it. The token itself is not kept: tests check it was there, not its value. */
export interface RecordedCall {
  method: string;
  /** Parsed arguments, JSON-in-form fields decoded, without `token`. */
  args: ApiArgs;
  tokenPresent: boolean;
  /** Which of the workspace's tokens was sent. */
  tokenKind: TokenKind;
  contentType: string | null;
  /** HTTP status answered. */
  status: number;
  /** Slack error code answered, if any ("ratelimited" for a 429). */
  error: string | null;
  receivedAt: number;
  /** When the answer went out (null while the call is still being answered). */
  answeredAt: number | null;
}

export interface FakeSlack {
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://127.0.0.1:PORT/api/ — give it to the client as slackApiUrl. */
  apiUrl: string;
  botToken: string;
  appToken: string;
  state: FakeSlackState;
  faults: SlackFaultPlan;
  /** Every Web API call, in order. */
  requests: RecordedCall[];
  /** Calls to one method. */
  calls(method: string): RecordedCall[];
  /** Mints a response_url: http://127.0.0.1:PORT/respond/<id>. */
  newResponseUrl(): string;
  /** Bodies accepted or refused at one response_url, in order. */
  responsesTo(responseUrl: string): ResponseUrlPost[];
  /** Accepted uses of one response_url so far. */
  responseUrlUses(responseUrl: string): number;
  /** Every response_url POST. */
  responseUrlPosts: ResponseUrlPost[];
  /** Present with the option socketMode: true. */
  socketMode: FakeSocketMode | null;
  /** The clock (ms) used for response_url expiry and timestamps; replace it to move time. */
  now: () => number;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  state?: Partial<FakeSlackState>;
  /** Also run a Socket Mode WebSocket server for apps.connections.open. */
  socketMode?: boolean;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const state: FakeSlackState = { ...defaultState(), ...options.state };
  const faults = new SlackFaultPlan();
  const requests: RecordedCall[] = [];
  const socketMode = options.socketMode ? await startFakeSocketMode(state.bot.appId) : null;
  let tsCounter = 0;

  const fake: FakeSlack = {
    url: '',
    apiUrl: '',
    botToken: state.botToken,
    appToken: state.appToken,
    state,
    faults,
    requests,
    calls: (method) => requests.filter((call) => call.method === method),
    newResponseUrl: () => `${fake.url}/respond/${responseUrls.create()}`,
    responsesTo: (responseUrl) => responseUrls.posts.filter((post) => post.id === responseUrlId(responseUrl)),
    responseUrlUses: (responseUrl) => responseUrls.uses(responseUrlId(responseUrl)),
    responseUrlPosts: [],
    socketMode,
    now: () => Date.now(),
    close: async () => {},
  };
  const responseUrls = new ResponseUrls(() => fake.now());
  fake.responseUrlPosts = responseUrls.posts;

  const nextTs = (): string => {
    tsCounter += 1;
    return `${Math.floor(fake.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
  };

  function tokenOf(request: IncomingMessage, args: ApiArgs): string | null {
    const header = request.headers.authorization;
    if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
    return typeof args.token === 'string' && args.token ? args.token : null;
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    const rawBody = await readBody(request);
    const contentType = request.headers['content-type'] ?? null;
    const record: RecordedCall = { method, args: {}, tokenPresent: false, tokenKind: 'none', contentType, status: 200, error: null, receivedAt: fake.now(), answeredAt: null };
    requests.push(record);
    const answer = (status: number, body: ApiAnswer, headers: Record<string, string> = {}) => {
      record.answeredAt = fake.now();
      record.status = status;
      record.error = body.ok ? null : String(body.error);
      sendJson(response, status, body, headers);
    };

    let args: ApiArgs;
    try {
      args = parseApiBody(contentType ?? undefined, rawBody);
    } catch (error) {
      answer(200, { ok: false, error: error instanceof BodyParseError ? 'invalid_form_data' : 'internal_error' });
      return;
    }
    const token = tokenOf(request, args);
    const { token: _omitted, ...argsWithoutToken } = args;
    record.args = argsWithoutToken;
    record.tokenPresent = token !== null;
    record.tokenKind = token === null ? 'none' : token === state.botToken ? 'bot' : token === state.appToken ? 'app' : 'unknown';

    const { delayMs, holdMs, fault } = faults.take(method);
    if (delayMs > 0) await sleep(delayMs);
    if (fault?.kind === 'rate-limit') {
      answer(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(fault.retryAfterSeconds) });
      return;
    }
    if (fault?.kind === 'server-error') {
      record.answeredAt = fake.now();
      record.status = fault.status;
      record.error = `http_${fault.status}`;
      if (!response.destroyed) {
        response.writeHead(fault.status, { 'Content-Type': 'text/html' });
        response.end('<html><body>Slack is having trouble</body></html>');
      }
      return;
    }
    if (fault?.kind === 'error') {
      answer(200, { ok: false, error: fault.code });
      return;
    }
    if (fault?.kind === 'redirect') {
      record.answeredAt = fake.now();
      record.status = fault.status;
      record.error = 'redirected';
      if (!response.destroyed) {
        response.writeHead(fault.status, { Location: fault.location });
        response.end();
      }
      return;
    }

    const handler = METHODS[method];
    if (!handler) {
      answer(200, { ok: false, error: 'unknown_method' });
      return;
    }
    if (token === null) {
      answer(200, { ok: false, error: 'not_authed' });
      return;
    }
    if (record.tokenKind === 'unknown') {
      answer(200, { ok: false, error: 'invalid_auth' });
      return;
    }
    // A real token of the other kind: an xoxb- token cannot open a socket, an xapp- token cannot post.
    if (record.tokenKind !== (APP_TOKEN_METHODS.has(method) ? 'app' : 'bot')) {
      answer(200, { ok: false, error: 'not_allowed_token_type' });
      return;
    }
    const body = handler(argsWithoutToken, { state, nextTs, now: () => fake.now(), socketModeUrl: socketMode ? socketMode.url() : null });
    if (holdMs > 0) await sleep(holdMs);
    answer(200, body);
  }

  async function handleResponseUrl(request: IncomingMessage, response: ServerResponse, id: string): Promise<void> {
    const rawBody = await readBody(request);
    const { delayMs, fault } = faults.take('response_url');
    if (delayMs > 0) await sleep(delayMs);
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = null;
    }
    if (fault?.kind === 'redirect') {
      responseUrls.record(id, body ?? {}, { status: fault.status, body: { ok: false, error: 'redirected' } });
      if (!response.destroyed) {
        response.writeHead(fault.status, { Location: fault.location });
        response.end();
      }
      return;
    }
    if (fault?.kind === 'server-error' || fault?.kind === 'rate-limit' || fault?.kind === 'error') {
      const status = fault.kind === 'server-error' ? fault.status : fault.kind === 'rate-limit' ? 429 : 404;
      const error = fault.kind === 'error' ? fault.code : fault.kind === 'rate-limit' ? 'ratelimited' : `http_${status}`;
      const headers: Record<string, string> = fault.kind === 'rate-limit' ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
      responseUrls.record(id, body ?? {}, { status, body: { ok: false, error } });
      sendJson(response, status, { ok: false, error }, headers);
      return;
    }
    const answer = responseUrls.accept(id, body);
    sendJson(response, answer.status, answer.body);
  }

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    const respondMatch = /^\/respond\/([A-Za-z0-9_-]+)$/.exec(path);
    let handled: Promise<void>;
    if (request.method === 'POST' && apiMatch) handled = handleApi(request, response, apiMatch[1]!);
    else if (request.method === 'POST' && respondMatch) handled = handleResponseUrl(request, response, respondMatch[1]!);
    else {
      sendJson(response, 404, { ok: false, error: 'not_found' });
      return;
    }
    handled.catch((error: unknown) => sendJson(response, 500, { ok: false, error: 'fake_slack_crashed', detail: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.apiUrl = `${fake.url}/api/`;
  fake.close = async () => {
    await socketMode?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return fake;
}

function responseUrlId(responseUrl: string): string {
  return responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
}
