// manifest.yml against Slack's official JSON Schema, and its bot scopes against the Web API methods the code calls.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { AWS_ROOT_CHECK_COMMAND, SLACK_EVENTS_PATH } from '../src/slack/index.js';

const repoRoot = join(import.meta.dirname, '..');
const manifestText = readFileSync(join(repoRoot, 'manifest.yml'), 'utf8');
const schema = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/slack-manifest-schema/manifest.schema.1.0.0.json'), 'utf8')) as object;

interface Manifest {
  _metadata: { major_version: number };
  features: { slash_commands: Array<{ command: string; usage_hint?: string; url?: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url?: string }; socket_mode_enabled: boolean };
}

function validator() {
  // strict: false: the schema uses a non-standard `regex` keyword and `format: uri`.
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

/** Scopes each Web API method needs (docs.slack.dev/reference/methods/<method>, "Scopes: Bot token"). */
const METHOD_SCOPES: Record<string, string[]> = {
  // chat:write.public: posting to a public channel the bot has not joined (the public report's fallback, alerts).
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'usergroups.users.list': ['usergroups:read'],
  'views.open': [],
  'views.update': [],
  'views.push': [],
  'auth.test': [],
  // The outbox's history lookup (a post Slack accepted before a crash): public and private alert channels.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Web API methods called anywhere in src/ (client.chat.postMessage(…), directory.usergroups.users.list(…), …). */
function calledMethods(): { methods: Set<string>; usesSlashCommand: boolean } {
  const methods = new Set<string>();
  let usesSlashCommand = false;
  // Whitespace allowed around the dots: formatters break long chains (`usergroups.users\n  .list(`).
  const call = /\.(chat|usergroups|views|conversations|users|reactions|files|pins|bookmarks|reminders|team|apps|auth)\s*\.\s*((?:[a-z]+\s*\.\s*)?[a-zA-Z]+)\s*\(/g;
  for (const file of sourceFiles(join(repoRoot, 'src'))) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(call)) methods.add(`${match[1]}.${match[2]!.replace(/\s+/g, '')}`);
    if (/\bapp\.command\(/.test(source)) usesSlashCommand = true;
  }
  return { methods, usesSlashCommand };
}

describe('manifest.yml', () => {
  const manifest = parse(manifestText) as Manifest;

  it('is a valid v1 app manifest by Slack\'s JSON Schema', () => {
    const validate = validator();
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(manifest._metadata.major_version).toBe(1);
  });

  it('the schema check is real: a broken manifest fails it', () => {
    const validate = validator();
    expect(validate({ ...manifest, display_information: { name: '' } })).toBe(false);
    expect(validate({ ...manifest, features: { slash_commands: [{ command: 'no-slash', description: 'x' }] } })).toBe(false);
  });

  it('declares the command the code listens to, with a usage hint, interactivity on and Socket Mode on', () => {
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual([AWS_ROOT_CHECK_COMMAND]);
    expect(manifest.features.slash_commands[0]?.usage_hint).toBe('[public | failing | <account id, alias or name> | alerts | summary | status | help]');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('explains HTTP mode in comments, and the HTTP-mode variant is valid too', () => {
    expect(manifestText).toContain(`https://YOUR-HOST${SLACK_EVENTS_PATH}`);
    expect(manifestText).toMatch(/#.*socket_mode_enabled|#.*set to false/);
    // What the comments tell an admin to do, applied.
    const document = parseDocument(manifestText);
    document.setIn(['settings', 'socket_mode_enabled'], false);
    document.setIn(['settings', 'interactivity', 'request_url'], `https://bot.example.com${SLACK_EVENTS_PATH}`);
    document.setIn(['features', 'slash_commands', 0, 'url'], `https://bot.example.com${SLACK_EVENTS_PATH}`);
    expect(validator()(document.toJS())).toBe(true);
  });

  it('asks for exactly the bot scopes the code needs', () => {
    const { methods, usesSlashCommand } = calledMethods();
    const unknown = [...methods].filter((method) => !(method in METHOD_SCOPES));
    expect(unknown, 'add these Web API methods and their scopes to METHOD_SCOPES').toEqual([]);
    const needed = new Set([...methods].flatMap((method) => METHOD_SCOPES[method] ?? []));
    if (usesSlashCommand) needed.add('commands');
    // Sanity: the scan found the calls it must find.
    expect(methods).toContain('usergroups.users.list');
    expect(methods).toContain('chat.postMessage');
    expect(methods).toContain('conversations.history');
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
