// Coding agents, headless, against the gateway as their users point them at it:
// - Claude Code (`claude -p`): ANTHROPIC_BASE_URL, the token as ANTHROPIC_API_KEY or
//   ANTHROPIC_AUTH_TOKEN. Its requests are what a real agent sends (system messages inside the
//   conversation, adaptive thinking with output_config.effort, context_management, a dozen tools,
//   anthropic-beta headers, streaming).
// - Gemini CLI (`gemini -p`): GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY (Gemini's streaming API).
// - Codex CLI (`codex exec`): a model provider with wire_api "responses" (the Responses API).
// Each against a channel of its own protocol (passthrough) and one of another (converted).
// The "…notools" models answer in text: agents offer tools on every turn.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startConformanceServer } from './conformance-server.mjs';

const REPLY_TEXT = 'Hello! I am the mock upstream "quoted"\n café.';
const bin = (name) => fileURLToPath(new URL(`./node_modules/.bin/${name}`, import.meta.url));

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

/** Runs an agent headless in a scratch HOME; resolves to its stdout (and stderr on failure). */
function run(command, args, extraEnv) {
  const env = { PATH: process.env.PATH, HOME: home, ...extraEnv };
  return new Promise((resolve, reject) => {
    const child = execFile(bin(command), args,
      { cwd: home, env, timeout: 120000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && !stdout) reject(new Error(`${command} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    child.stdin.end(); // Headless: no piped prompt (the agents wait for stdin's end otherwise).
  });
}

/** Runs `claude -p <prompt>` headless and returns its JSON result. */
async function claude(prompt, model, credentials) {
  const stdout = await run('claude', ['-p', prompt, '--model', model, '--output-format', 'json'], {
    ANTHROPIC_BASE_URL: origin,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    ...credentials,
  });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** Runs `gemini -p <prompt>` headless (API-key auth, trusted workspace); returns its JSON. */
async function gemini(prompt, model) {
  mkdirSync(join(home, '.gemini'), { recursive: true });
  writeFileSync(join(home, '.gemini', 'settings.json'),
    JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
  const stdout = await run('gemini', ['-p', prompt, '-m', model, '--output-format', 'json'], {
    GOOGLE_GEMINI_BASE_URL: origin,
    GEMINI_API_KEY: server.settings.api_key,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
  });
  return JSON.parse(stdout.slice(stdout.indexOf('{')));
}

/** Runs `codex exec <prompt>` with the gateway as a Responses-API provider; returns stdout. */
function codex(prompt, model) {
  mkdirSync(join(home, '.codex'), { recursive: true });
  writeFileSync(join(home, '.codex', 'config.toml'), [
    `model = "${model}"`, 'model_provider = "aiproxy"', '',
    '[model_providers.aiproxy]', 'name = "aiproxy"', `base_url = "${server.settings.base_url}"`,
    'env_key = "AIPROXY_KEY"', 'wire_api = "responses"', ''].join('\n'));
  return run('codex', ['exec', '--skip-git-repo-check', prompt], { AIPROXY_KEY: server.settings.api_key });
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

describe('Gemini CLI against aiproxy', () => {
  for (const [channel, model] of [['a Gemini channel (passthrough)', 'gemini-mock-notools'],
                                  ['an OpenAI-format channel (converted)', 'gpt-4o-mini-notools'],
                                  ['an Anthropic channel (converted)', 'claude-mock-notools']]) {
    test(channel, async () => {
      const result = await gemini('Say hello', model);
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.equal(result.response, REPLY_TEXT);
      const tokens = result.stats.models[model].tokens;
      assert.ok(tokens.candidates > 0 && tokens.prompt > 0, JSON.stringify(tokens));
    });
  }
});

describe('Codex CLI against aiproxy', () => {
  for (const [channel, model] of [['a channel serving the Responses API (passthrough)', 'gpt-4o-mini-notools'],
                                  ['an Anthropic channel (converted)', 'claude-mock-notools']]) {
    test(channel, async () => {
      const stdout = await codex('Say hello', model);
      assert.ok(stdout.includes(REPLY_TEXT), stdout);
    });
  }
});
