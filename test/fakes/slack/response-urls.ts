// response_url endpoints: each slash command or interaction payload carries one. Slack allows 5 uses within
// 30 minutes; after that the URL answers an error (Slack does not document the exact body; we answer HTTP 404
// {ok:false,error:"used_url"} past 5 uses and "expired_url" past 30 minutes, the codes seen from Slack in the wild).

export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;

/** One POST to a response_url, accepted or not. */
export interface ResponseUrlPost {
  id: string;
  /** The JSON body as sent (text, blocks, response_type, replace_original, delete_original, ...). */
  body: Record<string, unknown>;
  status: number;
  error: string | null;
  receivedAt: number;
}

interface ResponseUrlState {
  id: string;
  createdAt: number;
  uses: number;
}

export type ResponseUrlAnswer = { status: number; body: Record<string, unknown> };

export class ResponseUrls {
  readonly posts: ResponseUrlPost[] = [];
  private readonly urls = new Map<string, ResponseUrlState>();
  private nextId = 1;

  constructor(private readonly now: () => number) {}

  create(): string {
    const id = `${Date.now().toString(36)}${(this.nextId++).toString(36).padStart(4, '0')}`;
    this.urls.set(id, { id, createdAt: this.now(), uses: 0 });
    return id;
  }

  uses(id: string): number {
    return this.urls.get(id)?.uses ?? 0;
  }

  /** Applies Slack's rules to one POST and records it. */
  accept(id: string, body: Record<string, unknown> | null): ResponseUrlAnswer {
    const state = this.urls.get(id);
    let answer: ResponseUrlAnswer;
    if (!state) {
      answer = { status: 404, body: { ok: false, error: 'invalid_url' } };
    } else if (this.now() - state.createdAt > RESPONSE_URL_LIFETIME_MS) {
      answer = { status: 404, body: { ok: false, error: 'expired_url' } };
    } else if (state.uses >= RESPONSE_URL_MAX_USES) {
      answer = { status: 404, body: { ok: false, error: 'used_url' } };
    } else if (body === null) {
      answer = { status: 400, body: { ok: false, error: 'invalid_payload' } };
    } else if (!hasContent(body)) {
      answer = { status: 400, body: { ok: false, error: 'no_text' } };
    } else {
      state.uses += 1;
      answer = { status: 200, body: { ok: true } };
    }
    this.record(id, body ?? {}, answer);
    return answer;
  }

  record(id: string, body: Record<string, unknown>, answer: ResponseUrlAnswer): void {
    const error = answer.body.ok === true ? null : String(answer.body.error ?? `http_${answer.status}`);
    this.posts.push({ id, body, status: answer.status, error, receivedAt: this.now() });
  }
}

function hasContent(body: Record<string, unknown>): boolean {
  if (body.delete_original === true || body.delete_original === 'true') return true;
  const text = typeof body.text === 'string' && body.text.trim() !== '';
  const blocks = Array.isArray(body.blocks) && body.blocks.length > 0;
  return text || blocks;
}
