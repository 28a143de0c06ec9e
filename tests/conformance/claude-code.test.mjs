// Claude Code (the official CLI, headless: `claude -p`) against the gateway, as its users run it:
// ANTHROPIC_BASE_URL at the gateway, the gateway token as ANTHROPIC_API_KEY or
// ANTHROPIC_AUTH_TOKEN. Its requests are what a real coding agent sends (system messages inside
// the conversation, adaptive thinking with output_config.effort, context_management, a dozen
// tools, anthropic-beta headers, streaming): served by an Anthropic channel (passthrough) and by
// an OpenAI-format channel (converted both ways).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startConformanceServer } from './conformance-server.mjs';

const REPLY_TEXT = 'Hello! I am the mock upstream "quoted"\n café.';
const CLAUDE = fileURLToPath(new URL('./node_modules/.bin/claude', import.meta.url));

let server;
let origin;
let home;

before(async () => {
  server = await startConformanceServer();
  origin = server.settings.base_url.replace(/\/v1$/, '');
  home = mkdtempSync(join(tmpdir(), 'aiproxy-claude-code-'));
});

after(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Runs `claude -p <prompt>` headless and returns its JSON result. */
function claude(prompt, model, credentials) {
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    ANTHROPIC_BASE_URL: origin,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    ...credentials,
  };
  return new Promise((resolve, reject) => {
    execFile(CLAUDE, ['-p', prompt, '--model', model, '--output-format', 'json'],
      { cwd: home, env, timeout: 120000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop();
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`claude gave no JSON result (${error?.message ?? ''}): ${stdout}\n${stderr}`));
        }
      });
  });
}

function checkAnswer(result) {
  assert.equal(result.is_error, false, JSON.stringify(result));
  assert.equal(result.type, 'result');
  assert.equal(result.result, REPLY_TEXT);
  assert.ok(result.usage.output_tokens > 0, JSON.stringify(result.usage));
}

describe('Claude Code against aiproxy', () => {
  test('an Anthropic channel, key as x-api-key', async () => {
    checkAnswer(await claude('Say hello', 'claude-mock-notools',
      { ANTHROPIC_API_KEY: server.settings.api_key }));
  });

  test('an OpenAI-format channel (converted both ways), key as a Bearer token', async () => {
    checkAnswer(await claude('Say hello', 'gpt-4o-mini-notools',
      { ANTHROPIC_AUTH_TOKEN: server.settings.api_key }));
  });
});
