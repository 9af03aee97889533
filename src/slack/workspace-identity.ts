// Which workspace, organization and app a request comes from, and whether that is the bot's own (auth.test). A
// signed request proves only that Slack sent it: a Slack Connect channel brings users of other teams, and another
// app's request signed with a leaked secret names another app. Pure.

/** Who the bot is, from auth.test. */
export interface OwnWorkspace {
  teamId: string | null;
  enterpriseId: string | null;
  /** An Enterprise Grid org-wide install: requests come from any workspace of the organization. */
  isEnterpriseInstall: boolean;
  appId: string | null;
}

export type WorkspaceRefusal = 'other-team' | 'other-enterprise' | 'other-app' | 'no-team';

/** What an auth.test answer says about the bot. */
export function ownWorkspaceFrom(authTest: { team_id?: string; enterprise_id?: string; is_enterprise_install?: boolean; app_id?: string }, appTokenAppId: string | null): OwnWorkspace {
  return {
    teamId: authTest.team_id || null,
    enterpriseId: authTest.enterprise_id || null,
    isEnterpriseInstall: authTest.is_enterprise_install === true,
    appId: authTest.app_id || appTokenAppId,
  };
}

/** An app-level token reads xapp-<version>-<app id>-…: the app id when auth.test does not say it. */
export function appIdFromAppToken(appToken: string | null): string | null {
  const match = appToken ? /^xapp-\d+-(A[A-Z0-9]+)-/.exec(appToken) : null;
  return match?.[1] ?? null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const idOf = (value: unknown): string | null => (value !== null && typeof value === 'object' ? text((value as { id?: unknown }).id) : null);

/** Every team and enterprise id a request names (slash command fields, interaction payloads), and its app. */
export function requestOrigin(body: Record<string, unknown>): { teamIds: string[]; enterpriseIds: string[]; appId: string | null } {
  const user = body.user !== null && typeof body.user === 'object' ? (body.user as Record<string, unknown>) : {};
  const view = body.view !== null && typeof body.view === 'object' ? (body.view as Record<string, unknown>) : {};
  const teamIds = [text(body.team_id), idOf(body.team), text(user.team_id), text(body.user_team_id), text(view.team_id)].filter((id): id is string => id !== null);
  const enterpriseIds = [text(body.enterprise_id), idOf(body.enterprise), text(user.enterprise_id)].filter((id): id is string => id !== null);
  return { teamIds, enterpriseIds, appId: text(body.api_app_id) ?? text(view.app_id) };
}

/** Null when the request is the bot's own workspace (or organization, for an org-wide install) and app. */
export function refuseForeignRequest(own: OwnWorkspace, body: Record<string, unknown>): WorkspaceRefusal | null {
  const origin = requestOrigin(body);
  if (own.appId && origin.appId && origin.appId !== own.appId) return 'other-app';
  if (own.isEnterpriseInstall && own.enterpriseId) {
    if (origin.enterpriseIds.length === 0) return 'other-enterprise';
    return origin.enterpriseIds.every((id) => id === own.enterpriseId) ? null : 'other-enterprise';
  }
  if (own.enterpriseId && origin.enterpriseIds.some((id) => id !== own.enterpriseId)) return 'other-enterprise';
  if (origin.teamIds.length === 0) return 'no-team';
  return origin.teamIds.every((id) => id === own.teamId) ? null : 'other-team';
}
