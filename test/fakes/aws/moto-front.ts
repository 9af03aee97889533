// A front for moto server, for what moto does not model of centralized root access and of role trust. The code under
// test points every client at the front's one URL; the front answers some calls itself and passes the rest, bytes as
// they came, to moto (which reads the account from the access key of the Authorization header, so calls signed with
// AssumeRole credentials still land in the member's backends):
//   - sts:AssumeRoot, and every call signed with credentials AssumeRoot issued: root-sessions.ts, task policy enforced
//     (moto has no AssumeRoot and no root answers to GetLoginProfile / ListAccessKeys / ListMFADevices without UserName);
//   - iam:ListOrganizationsFeatures from the management account (moto answers it with a 500);
//   - sts:AssumeRole: moto issues credentials for any role name, existing or not; the front asks moto for the role with
//     those credentials (iam:GetRole in the member) and answers AccessDenied, as STS does, when the role is missing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AwsErrorReply } from './errors.js';
import { passToMoto, readRequestBody, serveOnLoopback } from './moto-pass.js';
import type { RootSessionAuthority } from './root-sessions.js';
import { escapeXml, writeElements, type XmlValue } from './xml.js';

export interface MotoFront {
  url: string;
  /** Every call the front saw: operation, the access key's account when known, and whether it went to moto. */
  calls: Array<{ operation: string; accessKeyId: string; handledBy: 'front' | 'moto'; status: number; rootSession: boolean }>;
  close(): Promise<void>;
}

export interface MotoFrontOptions {
  motoUrl: string;
  authority: RootSessionAuthority;
  /** What iam:ListOrganizationsFeatures answers to the management account. */
  organizationsFeatures: { organizationId: string; enabledFeatures: string[] };
}

const NAMESPACE = { iam: 'https://iam.amazonaws.com/doc/2010-05-08/', sts: 'https://sts.amazonaws.com/doc/2011-06-15/' };

function queryAnswer(service: 'iam' | 'sts', operation: string, payload: { [name: string]: XmlValue } | null): string {
  const result = payload ? `<${operation}Result>${writeElements(payload)}</${operation}Result>` : '';
  return `<${operation}Response xmlns="${NAMESPACE[service]}">${result}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`;
}

function queryError(service: 'iam' | 'sts', error: AwsErrorReply): string {
  return `<ErrorResponse xmlns="${NAMESPACE[service]}"><Error><Type>${error.faultType}</Type><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

/** A request to moto signed as `accessKeyId` (moto reads the key and the scope; it does not check the signature). */
async function motoQuery(motoUrl: string, accessKeyId: string, service: 'iam' | 'sts', form: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${motoUrl}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261201/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, text: await response.text() };
}

export async function startMotoFront(options: MotoFrontOptions): Promise<MotoFront> {
  const calls: MotoFront['calls'] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequestBody(request);
    const scope = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(request.headers.authorization ?? '');
    const accessKeyId = scope?.[1] ?? '';
    const scopeService = scope?.[2] ?? '';
    const isQuery = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const form = isQuery ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : {};
    const operation = form.Action ?? String(request.headers['x-amz-target'] ?? request.url ?? '').split('.').pop() ?? '';
    const session = options.authority.session(accessKeyId);
    const record = { operation, accessKeyId, handledBy: 'front' as 'front' | 'moto', status: 200, rootSession: session !== undefined };
    calls.push(record);
    const reply = (status: number, text: string) => {
      record.status = status;
      response.writeHead(status, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(text)) });
      response.end(text);
    };
    const service: 'iam' | 'sts' = scopeService === 'sts' ? 'sts' : 'iam';
    try {
      if (session) {
        if (!isQuery || service !== 'iam') throw new AwsErrorReply('AccessDenied', `User: arn:aws:sts::${session.accountId}:root is not authorized to perform: ${operation} because no session policy allows it`, 403);
        reply(200, queryAnswer('iam', operation, options.authority.rootIam(session, operation, form, new Date())));
        return;
      }
      if (service === 'sts' && operation === 'AssumeRoot') {
        reply(200, queryAnswer('sts', 'AssumeRoot', options.authority.assumeRoot(form, 'arn:aws:iam::123456789012:user/aws-root-guard', new Date())));
        return;
      }
      if (service === 'iam' && operation === 'ListOrganizationsFeatures') {
        reply(200, queryAnswer('iam', operation, { OrganizationId: options.organizationsFeatures.organizationId, EnabledFeatures: options.organizationsFeatures.enabledFeatures }));
        return;
      }
      if (service === 'sts' && operation === 'AssumeRole') {
        const issued = await motoQuery(options.motoUrl, accessKeyId, 'sts', form);
        const keyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(issued.text)?.[1];
        const roleName = /:role\/(.+)$/.exec(form.RoleArn ?? '')?.[1] ?? '';
        if (issued.status === 200 && keyId) {
          const role = await motoQuery(options.motoUrl, keyId, 'iam', { Action: 'GetRole', Version: '2010-05-08', RoleName: roleName });
          if (role.status !== 200) {
            throw new AwsErrorReply('AccessDenied', `User: arn:aws:iam::123456789012:user/aws-root-guard is not authorized to perform: sts:AssumeRole on resource: ${form.RoleArn ?? ''}`, 403);
          }
        }
        reply(issued.status, issued.text);
        return;
      }
      record.handledBy = 'moto';
      record.status = await passToMoto(options.motoUrl, request, body, response);
    } catch (error) {
      const reply500 = error instanceof AwsErrorReply ? error : new AwsErrorReply('InternalFailure', error instanceof Error ? error.message : String(error), 500);
      reply(reply500.status, queryError(service, reply500));
    }
  }

  const served = await serveOnLoopback(handle);
  return { url: served.url, calls, close: served.close };
}
