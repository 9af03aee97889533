// One fake AWS per test file, with SDK clients pointed at it, and a clean account before every test:
//
//   const aws = useFakeAws({ now: () => NOW, clients: { maxAttempts: 1 } });
//   test('...', async () => {
//     aws.fake.faults.accessDenied('GetCredentialReport');
//     await gatherAccountFacts(aws.clients, ...);
//     aws.clientsFor({ maxAttempts: 2 });   // clients of this test only, destroyed after it
//   });
//
// Registers the vitest hooks of the file: call it at the top level of a test file (or a describe).
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createAwsClients, type AwsClientOptions, type AwsClients } from '../../src/aws/index.js';
import { FAKE_CREDENTIALS, hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';

export interface UseFakeAwsOptions {
  /** The fake's clock, and the "now" of the hardened account each test starts from. Default: the real clock. */
  now?: () => Date;
  /** Options of the shared `clients` (region us-east-1, the fake's endpoint and FAKE_CREDENTIALS unless given). */
  clients?: Partial<AwsClientOptions>;
}

export interface FakeAwsFixture {
  /** The file's fake AWS, reset before each test: hardened account, no faults, no recorded requests, no latency. */
  readonly fake: FakeAws;
  /** SDK clients pointed at the fake, made once for the file. */
  readonly clients: AwsClients;
  /**
   * Clients for one test, destroyed after it: the shared defaults with `options` on top
   * (`endpoint: undefined, credentials: undefined` leaves both to the SDK: AWS_ENDPOINT_URL*, the default chain).
   */
  clientsFor(options?: Partial<AwsClientOptions>): AwsClients;
}

export function useFakeAws(options: UseFakeAwsOptions = {}): FakeAwsFixture {
  const now = options.now ?? (() => new Date());
  let running: { fake: FakeAws; clients: AwsClients } | undefined;
  const testClients: AwsClients[] = [];

  const current = () => {
    if (!running) throw new Error('useFakeAws: the fake AWS starts in beforeAll; use it inside a test or a hook');
    return running;
  };
  const clientsAt = (url: string, overrides: Partial<AwsClientOptions> = {}) => createAwsClients({ region: 'us-east-1', endpoint: url, credentials: FAKE_CREDENTIALS, ...overrides });

  beforeAll(async () => {
    const fake = await startFakeAws({ now });
    running = { fake, clients: clientsAt(fake.url, options.clients) };
  });

  beforeEach(() => {
    const { fake } = current();
    fake.state = hardenedAccount(now());
    fake.organization = null;
    fake.faults.clear();
    fake.requests.length = 0;
    fake.latencyMs = 0;
  });

  afterEach(() => {
    for (const clients of testClients.splice(0)) clients.destroy();
  });

  afterAll(async () => {
    running?.clients.destroy();
    await running?.fake.close();
    running = undefined;
  });

  return {
    get fake() {
      return current().fake;
    },
    get clients() {
      return current().clients;
    },
    clientsFor(overrides) {
      const clients = clientsAt(current().fake.url, overrides);
      testClients.push(clients);
      return clients;
    },
  };
}
