// The official Anthropic TypeScript SDK against the gateway's /v1/messages, served by an
// OpenAI-format channel (the mock upstream). Both of the SDK's credential styles are used:
// `apiKey` (x-api-key header) and `authToken` (Authorization: Bearer).
//
// Run by ctest (anthropic_sdk_conformance) with AIPROXY_CONFORMANCE_SERVER set to the
// aiproxy-conformance-server binary; needs `npm ci` in this directory first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConformanceServer } from './conformance-server.mjs';

let Anthropic;
try {
  ({ default: Anthropic } = await import('@anthropic-ai/sdk'));
} catch (error) {
  throw new Error(`'@anthropic-ai/sdk' is missing: run 'npm ci' in tests/conformance (${error.message})`);
}

// What the mock upstream answers (tests/mocks/mockupstream.cpp).
const REPLY_TEXT = 'Hello! I am the mock upstream "quoted"\n café.';
const TOOL_INPUT = { location: 'Paris', unit: 'celsius' };
const USAGE = { prompt: 19, completion: 10, cached: 6 };

let server;
let settings;
let keyClient;
let tokenClient;

before(async () => {
  server = await startConformanceServer();
  settings = server.settings;
  // The SDK appends /v1/messages itself.
  const baseURL = settings.base_url.replace(/\/v1$/, '');
  keyClient = new Anthropic({ baseURL, apiKey: settings.api_key, maxRetries: 0, timeout: 30000 });
  tokenClient = new Anthropic({ baseURL, authToken: settings.api_key, apiKey: null, maxRetries: 0, timeout: 30000 });
});

after(async () => {
  await server?.stop();
});

const request = (extra = {}) => ({
  model: 'gpt-4o-mini',
  max_tokens: 256,
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'Say hello' }],
  ...extra,
});

describe('Anthropic SDK against aiproxy (OpenAI-format channel)', () => {
  for (const [style, client] of [['x-api-key', () => keyClient], ['Bearer', () => tokenClient]]) {
    test(`messages.create (${style})`, async () => {
      const message = await client().messages.create(request());
      assert.equal(message.type, 'message');
      assert.equal(message.role, 'assistant');
      assert.equal(message.model, 'gpt-4o-mini');
      assert.match(message.id, /^msg_/);
      assert.equal(message.content.length, 1);
      assert.equal(message.content[0].type, 'text');
      assert.equal(message.content[0].text, REPLY_TEXT);
      assert.equal(message.stop_reason, 'end_turn');
      assert.equal(message.usage.input_tokens, USAGE.prompt - USAGE.cached);
      assert.equal(message.usage.cache_read_input_tokens, USAGE.cached);
      assert.equal(message.usage.output_tokens, USAGE.completion);
    });
  }

  test('messages.stream delivers text and the final usage', async () => {
    const stream = keyClient.messages.stream(request());
    let text = '';
    const types = [];
    stream.on('text', (delta) => { text += delta; });
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    assert.equal(text, REPLY_TEXT);
    assert.equal(message.content[0].text, REPLY_TEXT);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.output_tokens, USAGE.completion);
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.includes('content_block_delta'));
  });

  test('a streamed tool call arrives as a tool_use block with parsed input', async () => {
    const stream = keyClient.messages.stream(request({
      tools: [{
        name: 'get_weather',
        description: 'Weather for a place',
        input_schema: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } } },
      }],
    }));
    const message = await stream.finalMessage();
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    assert.ok(toolUse, 'a tool_use block');
    assert.equal(toolUse.name, 'get_weather');
    assert.deepEqual(toolUse.input, TOOL_INPUT);
    assert.equal(message.stop_reason, 'tool_use');
  });

  test('an upstream 429 surfaces as the SDK\'s RateLimitError', async () => {
    await assert.rejects(keyClient.messages.create(request({ model: 'error-429' })), (error) => {
      assert.ok(error instanceof Anthropic.APIError);
      assert.equal(error.status, 429);
      assert.equal(error.error?.type, 'error');
      assert.equal(error.error?.error?.type, 'rate_limit_error');
      return true;
    });
  });

  test('a wrong key surfaces as AuthenticationError', async () => {
    const wrong = new Anthropic({ baseURL: settings.base_url.replace(/\/v1$/, ''), apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(wrong.messages.create(request()), (error) => {
      assert.equal(error.status, 401);
      assert.equal(error.error?.error?.type, 'authentication_error');
      return true;
    });
  });

  test('messages.countTokens', async () => {
    const count = await keyClient.messages.countTokens({
      model: 'gpt-4o-mini', system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }],
    });
    assert.ok(count.input_tokens > 0);
  });

  test('an Anthropic channel answers byte for byte (passthrough), plain and streamed', async () => {
    const message = await keyClient.messages.create(request({ model: 'claude-mock' }));
    assert.match(message.id, /^msg_mock/); // The upstream's own id: nothing was converted.
    assert.equal(message.content[0].text, REPLY_TEXT);
    assert.ok(message.usage.cache_creation_input_tokens > 0);
    const stream = keyClient.messages.stream(request({ model: 'claude-mock' }));
    let text = '';
    stream.on('text', (delta) => { text += delta; });
    const final = await stream.finalMessage();
    assert.equal(text, REPLY_TEXT);
    assert.ok(final.usage.output_tokens > 0);
  });
});
