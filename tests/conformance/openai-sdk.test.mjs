// The official OpenAI Node SDK against the gateway (in front of the mock upstream).
//
// Run by ctest (openai_sdk_conformance) with AIPROXY_CONFORMANCE_SERVER set to the
// aiproxy-conformance-server binary; needs `npm ci` in this directory first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConformanceServer } from './conformance-server.mjs';

let OpenAI;
try {
  ({ default: OpenAI } = await import('openai'));
} catch (error) {
  throw new Error(`the 'openai' package is missing: run 'npm ci' in tests/conformance (${error.message})`);
}

// What the mock upstream answers (tests/mocks/mockupstream.cpp).
const REPLY_TEXT = 'Hello! I am the mock upstream "quoted"\n café.';
const TOOL_ARGUMENTS = '{"location":"Paris","unit":"celsius"}';
const USAGE = { prompt: 19, completion: 10, cached: 6 };
const EMBEDDING_TOKENS_PER_INPUT = 5;
/** MockUpstream::embedding(): multiples of 1/32, exact in float32. */
function expectedEmbedding(inputIndex, dimensions = 8) {
  return Array.from({ length: dimensions }, (_, j) => ((((inputIndex * 7 + j * 3) % 16) * 2 - 15) / 32));
}

const SERVED_MODELS = [
  'claude-mock', 'claude-mock-notools', 'drop-mid-stream', 'error-401', 'error-429', 'error-500',
  'gemini-mock-notools', 'gpt-3.5-turbo-instruct', 'gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini-notools',
  'text-embedding-3-small',
];

let server;
let settings;
let client;
/** Request bodies the SDK sent, recorded by the fetch wrapper. */
const sentBodies = [];

function recordingFetch(url, init) {
  if (init && typeof init.body === 'string') sentBodies.push(JSON.parse(init.body));
  return globalThis.fetch(url, init);
}

before(async () => {
  server = await startConformanceServer();
  settings = server.settings;
  assert.match(settings.base_url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  assert.match(settings.api_key, /^sk-/);
  // No retries: an error must surface as the status the gateway sent, at once.
  client = new OpenAI({ baseURL: settings.base_url, apiKey: settings.api_key, maxRetries: 0, timeout: 30000,
                        fetch: recordingFetch });
});

after(async () => {
  await server?.stop();
});

describe('OpenAI SDK against aiproxy', () => {
  test('models.list lists the models the token may use', async () => {
    const ids = [];
    for await (const model of client.models.list()) {
      assert.equal(model.object, 'model');
      assert.equal(model.owned_by, model.id.startsWith('claude-mock') ? 'anthropic'
        : model.id.startsWith('gemini-mock') ? 'google' : 'openai');
      ids.push(model.id);
    }
    assert.deepEqual(ids.sort(), SERVED_MODELS);
    const one = await client.models.retrieve('gpt-4o');
    assert.equal(one.id, 'gpt-4o');
  });

  test('chat.completions.create', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'gpt-4o-mini');
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.equal(completion.choices[0].message.content, REPLY_TEXT);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(completion.usage.prompt_tokens, USAGE.prompt);
    assert.equal(completion.usage.completion_tokens, USAGE.completion);
    assert.equal(completion.usage.total_tokens, USAGE.prompt + USAGE.completion);
    assert.equal(completion.usage.prompt_tokens_details.cached_tokens, USAGE.cached);
    assert.ok(completion._request_id, 'the SDK exposes the gateway\'s X-Request-Id');
  });

  test('streaming with stream_options.include_usage delivers the usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage = null;
    let chunks = 0;
    let finishReason = null;
    for await (const chunk of stream) {
      chunks += 1;
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(usage, null, 'the usage chunk comes last');
      if (chunk.usage) {
        assert.deepEqual(chunk.choices, []);
        usage = chunk.usage;
      }
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        finishReason = choice.finish_reason ?? finishReason;
      }
    }
    assert.ok(chunks > 3, 'the answer arrives as several chunks');
    assert.equal(text, REPLY_TEXT);
    assert.equal(finishReason, 'stop');
    assert.ok(usage, 'usage received');
    assert.equal(usage.prompt_tokens, USAGE.prompt);
    assert.equal(usage.completion_tokens, USAGE.completion);
    assert.equal(usage.total_tokens, USAGE.prompt + USAGE.completion);
    assert.equal(usage.prompt_tokens_details.cached_tokens, USAGE.cached);
  });

  test('streaming without include_usage has no usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) {
      assert.ok(!chunk.usage, 'the gateway asked upstream for usage; the client did not');
      assert.ok(chunk.choices.length > 0);
      text += chunk.choices[0].delta.content ?? '';
    }
    assert.equal(text, REPLY_TEXT);
  });

  test('streamed tool calls are reassembled', async () => {
    const tools = [{
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } } },
      },
    }];
    const messages = [{ role: 'user', content: 'Weather in Paris?' }];
    // By hand, from the raw chunks.
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, tools, stream: true });
    const calls = [];
    let argumentChunks = 0;
    let finishReason = null;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        finishReason = choice.finish_reason ?? finishReason;
        for (const call of choice.delta.tool_calls ?? []) {
          calls[call.index] ??= { id: '', name: '', arguments: '' };
          if (call.id) calls[call.index].id = call.id;
          if (call.function?.name) calls[call.index].name = call.function.name;
          if (call.function?.arguments) {
            calls[call.index].arguments += call.function.arguments;
            argumentChunks += 1;
          }
        }
      }
    }
    assert.equal(calls.length, 1);
    assert.equal(calls[0].name, 'get_weather');
    assert.match(calls[0].id, /^call_/);
    assert.ok(argumentChunks > 1, 'the arguments were split across chunks');
    assert.equal(calls[0].arguments, TOOL_ARGUMENTS);
    assert.deepEqual(JSON.parse(calls[0].arguments), { location: 'Paris', unit: 'celsius' });
    assert.equal(finishReason, 'tool_calls');

    // With the SDK's own stream helper, which accumulates the deltas.
    const runner = client.beta.chat.completions.stream({ model: 'gpt-4o', messages, tools });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    assert.equal(call.function.arguments, TOOL_ARGUMENTS);
  });

  test('legacy completions', async () => {
    const completion = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hello' });
    assert.equal(completion.object, 'text_completion');
    assert.equal(completion.choices[0].text, REPLY_TEXT);
    let text = '';
    for await (const chunk of await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say', stream: true })) {
      text += chunk.choices[0]?.text ?? '';
    }
    assert.equal(text, REPLY_TEXT);
  });

  test('embeddings with the default encoding (the SDK asks for base64 and decodes it)', async () => {
    const sentBefore = sentBodies.length;
    const response = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first', 'second', 'third'] });
    assert.equal(sentBodies.length, sentBefore + 1);
    assert.equal(sentBodies.at(-1).encoding_format, 'base64', 'the SDK requested base64');
    assert.equal(response.data.length, 3);
    response.data.forEach((item, index) => {
      assert.equal(item.index, index);
      assert.deepEqual(Array.from(item.embedding), expectedEmbedding(index));
    });
    assert.equal(response.usage.prompt_tokens, 3 * EMBEDDING_TOKENS_PER_INPUT);
  });

  test('embeddings with encoding_format float', async () => {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small', input: 'just one', encoding_format: 'float', dimensions: 5,
    });
    assert.equal(sentBodies.at(-1).encoding_format, 'float');
    assert.equal(response.data.length, 1);
    assert.ok(Array.isArray(response.data[0].embedding));
    assert.deepEqual(response.data[0].embedding, expectedEmbedding(0, 5));
  });

  test('upstream errors surface as APIError with the right status', async () => {
    const ask = (model) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    await assert.rejects(ask('error-429'), (error) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal(error.status, 429);
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.match(error.message, /Rate limit reached/);
      assert.ok(error.request_id, 'X-Request-Id is exposed on errors');
      return true;
    });
    await assert.rejects(ask('error-500'), (error) => {
      assert.ok(error instanceof OpenAI.InternalServerError);
      assert.equal(error.status, 500);
      return true;
    });
    // The channel's key was refused upstream: not the client's fault, so 502.
    await assert.rejects(ask('error-401'), (error) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 502);
      return true;
    });
    // Streaming requests fail the same way before the first byte.
    await assert.rejects(
      client.chat.completions.create({ model: 'error-429', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      (error) => error instanceof OpenAI.RateLimitError && error.status === 429,
    );
  });

  test('gateway errors: bad key and unknown model', async () => {
    const stranger = new OpenAI({ baseURL: settings.base_url, apiKey: 'sk-not-a-key', maxRetries: 0 });
    await assert.rejects(stranger.models.list(), (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'invalid_api_key');
      return true;
    });
    await assert.rejects(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
      (error) => {
        assert.ok(error instanceof OpenAI.NotFoundError);
        assert.equal(error.code, 'model_not_found');
        return true;
      },
    );
  });

  test('a stream broken upstream ends with an error the SDK raises', async () => {
    const stream = await client.chat.completions.create({
      model: 'drop-mid-stream', messages: [{ role: 'user', content: 'hi' }], stream: true,
    });
    let chunks = 0;
    await assert.rejects(async () => {
      for await (const chunk of stream) {
        assert.ok(chunk.choices);
        chunks += 1;
      }
    }, (error) => error instanceof OpenAI.APIError);
    assert.equal(chunks, 2, 'the events sent before the break were delivered');
  });

  test('responses.create through /v1/responses (the channel serves the Responses API)', async () => {
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Say hello' });
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, REPLY_TEXT);
    assert.equal(response.usage.input_tokens, USAGE.prompt);
    assert.equal(response.usage.output_tokens, USAGE.completion);
    const fetched = await client.responses.retrieve(response.id);
    assert.equal(fetched.id, response.id);
  });

  test('responses streaming delivers output_text deltas and the completed response', async () => {
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Say hello', stream: true });
    let text = '';
    let completed = null;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    assert.equal(text, REPLY_TEXT);
    assert.ok(completed, 'response.completed arrived');
    assert.equal(completed.usage.output_tokens, USAGE.completion);
  });

  test('chat.completions on an Anthropic channel (converted both ways, streamed too)', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-mock', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0].message.content, REPLY_TEXT);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.ok(completion.usage.prompt_tokens > 0);

    const stream = await client.chat.completions.create({
      model: 'claude-mock', messages: [{ role: 'user', content: 'Say hello' }],
      stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    let usage = null;
    for await (const chunk of stream) {
      if (chunk.choices.length) text += chunk.choices[0].delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, REPLY_TEXT);
    assert.ok(usage && usage.completion_tokens > 0);
  });
});
