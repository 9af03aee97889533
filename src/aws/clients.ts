// The AWS SDK clients the bot uses, made once and passed in. Credentials come from the SDK's default chain
// (environment, shared config and SSO, web identity, ECS / EC2 roles); the SDK itself honours
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, so nothing here reads them. `endpoint` is an explicit
// override for tests. Retries are the SDK's standard mode, bounded; every request has a timeout.
import { AccountClient } from '@aws-sdk/client-account';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { addDepartureMiddleware } from './departure.js';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export type AwsCredentialsOption = IAMClientConfig['credentials'];

export interface AwsClientOptions {
  /** Region for the global services' calls (IAM, STS, Account) and the default CloudTrail Region. */
  region: string;
  /** One endpoint for every service (tests, emulators). Leave out to let the SDK resolve it (and AWS_ENDPOINT_URL*). */
  endpoint?: string;
  /** Explicit credentials; the SDK default chain when left out. */
  credentials?: AwsCredentialsOption;
  /** Attempts per call including the first (SDK standard retry mode). Default 3. */
  maxAttempts?: number;
  /** A request that has not answered within this many ms fails with TimeoutError (and may be retried). Default 10000. */
  requestTimeoutMs?: number;
  /** TCP connect timeout. Default 3000. */
  connectionTimeoutMs?: number;
  /** One connection pool for many clients (sharedRequestHandler): a client's destroy leaves it open. */
  requestHandler?: SharedRequestHandler;
  /** Settings from the environment and the shared config file, read by the first client and reused by the rest (sharedClientSettings). */
  settings?: SharedClientSettings;
  /**
   * Keep each client's resolved middleware stack per command class (the SDK's cacheMiddleware). Default true; a
   * member's clients, used for a call or two each, leave it off: the cache costs about 4 KB a client (of ~24).
   */
  cacheMiddleware?: boolean;
  /** Called with every client made, the events queue's SQS client too (main.ts: the metrics' error-counting middleware). */
  onClient?: (client: { middlewareStack: object }) => void;
}

export interface AwsClients {
  /** The Region of the global services' clients. */
  readonly region: string;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  readonly account: AccountClient;
  readonly organizations: OrganizationsClient;
  /** The CloudTrail client of a Region (made on first use, then reused). */
  cloudTrail(region: string): CloudTrailClient;
  /** Closes the Region's CloudTrail client, if made; a later cloudTrail(region) makes a new one. */
  releaseCloudTrail(region: string): void;
  /** Closes every client's sockets. */
  destroy(): void;
}

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;

/** An HTTP handler that many clients use at once; `close` ends its sockets, a client's destroy does not. */
export interface SharedRequestHandler {
  handle: NodeHttpHandler['handle'];
  updateHttpClientConfig: NodeHttpHandler['updateHttpClientConfig'];
  httpHandlerConfigs: NodeHttpHandler['httpHandlerConfigs'];
  destroy(): void;
  close(): void;
}

/**
 * One keep-alive connection pool for the clients of every member account: an organization scan makes clients per
 * account, and a pool per client would open (in AWS: TLS-handshake) new connections to the same endpoints each time.
 */
export function sharedRequestHandler(options: Pick<AwsClientOptions, 'requestTimeoutMs' | 'connectionTimeoutMs'> & { maxSockets?: number }): SharedRequestHandler {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 128 };
  const handler = new NodeHttpHandler({
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    throwOnRequestTimeout: true,
    httpAgent: new HttpAgent(agentOptions),
    httpsAgent: new HttpsAgent(agentOptions),
  });
  return {
    handle: handler.handle.bind(handler),
    updateHttpClientConfig: handler.updateHttpClientConfig.bind(handler),
    httpHandlerConfigs: handler.httpHandlerConfigs.bind(handler),
    destroy: () => undefined,
    close: () => handler.destroy(),
  };
}

/** Settings every SDK client reads alike from AWS_* variables and ~/.aws/config, whatever its service or Region. */
const ENVIRONMENT_SETTINGS = ['useFipsEndpoint', 'useDualstackEndpoint', 'userAgentAppId', 'authSchemePreference', 'defaultsMode'] as const;

/** The first client's providers of ENVIRONMENT_SETTINGS (memoized by the SDK), handed to every later client. */
export interface SharedClientSettings {
  providers: Pick<IAMClientConfig, (typeof ENVIRONMENT_SETTINGS)[number]> | null;
}

/**
 * Each SDK client resolves these settings itself, walking the environment and the shared config file (and building
 * an error for every link of the chain that has nothing): an organization scan makes clients per member account,
 * so they share the first client's already-resolved providers instead. Same values, read once.
 */
export function sharedClientSettings(): SharedClientSettings {
  return { providers: null };
}

/** The SDK settings every client of these options shares (timeouts, retries, endpoint, credentials). */
export function sdkClientConfig(options: AwsClientOptions, region: string = options.region) {
  return {
    region,
    // The resolved middleware stack is kept per command class instead of being rebuilt for every call (~90 us a
    // LookupEvents call); nothing adds middleware after a client's first call (onClient runs at construction).
    cacheMiddleware: options.cacheMiddleware ?? true,
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // throwOnRequestTimeout: without it this SDK version only logs a warning when requestTimeout passes.
    requestHandler: options.requestHandler ?? {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.settings?.providers ?? {}),
  };
}

/**
 * Clients are made on first use: an organization scan builds a set per member account, and most of them never need
 * every service. `destroy` closes the ones that were made.
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  return new LazyAwsClients(options);
}

type AnyClient = IAMClient | STSClient | AccountClient | CloudTrailClient | OrganizationsClient;

/**
 * One object per set, its getters and methods on the prototype: the organization poller keeps a member's set (with
 * its role credentials) from pass to pass, and an object literal of getters and arrow functions cost about 1 KB an
 * account in closures and their contexts (1,000 accounts: 1 MB more live heap for V8 to grow from).
 */
class LazyAwsClients implements AwsClients {
  private iamClient: IAMClient | null = null;
  private stsClient: STSClient | null = null;
  private accountClient: AccountClient | null = null;
  private organizationsClient: OrganizationsClient | null = null;
  /** Made on first use: a member set of the organization poller may never make one (its role could not be assumed). */
  private cloudTrailClients: Map<string, CloudTrailClient> | null = null;

  constructor(private readonly options: AwsClientOptions) {}

  get region(): string {
    return this.options.region;
  }

  get iam(): IAMClient {
    return (this.iamClient ??= this.made(new IAMClient(sdkClientConfig(this.options))));
  }

  get sts(): STSClient {
    return (this.stsClient ??= this.made(new STSClient(sdkClientConfig(this.options))));
  }

  get account(): AccountClient {
    return (this.accountClient ??= this.made(new AccountClient(sdkClientConfig(this.options))));
  }

  get organizations(): OrganizationsClient {
    return (this.organizationsClient ??= this.made(new OrganizationsClient(sdkClientConfig(this.options))));
  }

  cloudTrail(region: string): CloudTrailClient {
    this.cloudTrailClients ??= new Map();
    let client = this.cloudTrailClients.get(region);
    if (!client) {
      client = this.made(new CloudTrailClient(sdkClientConfig(this.options, region)));
      addDepartureMiddleware(client);
      this.cloudTrailClients.set(region, client);
    }
    return client;
  }

  releaseCloudTrail(region: string): void {
    this.cloudTrailClients?.get(region)?.destroy();
    this.cloudTrailClients?.delete(region);
  }

  destroy(): void {
    for (const client of [this.iamClient, this.stsClient, this.accountClient, this.organizationsClient]) client?.destroy();
    this.iamClient = this.stsClient = this.accountClient = this.organizationsClient = null;
    for (const client of this.cloudTrailClients?.values() ?? []) client.destroy();
    this.cloudTrailClients = null;
  }

  private made<C extends AnyClient>(client: C): C {
    const { settings, onClient } = this.options;
    if (settings && !settings.providers) {
      const config = client.config as unknown as Record<string, unknown>;
      settings.providers = Object.fromEntries(ENVIRONMENT_SETTINGS.map((name) => [name, config[name]])) as SharedClientSettings['providers'];
    }
    onClient?.(client);
    return client;
  }
}
