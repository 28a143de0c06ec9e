#!/usr/bin/env node
// Streaming time-to-first-byte benchmark (no npm dependencies).
//
// Sends N sequential streaming chat completion requests ("stream": true) and
// reports p50/p99 of the time from sending the request to the first response
// body byte, plus the total time per stream.
//
// usage: node ttfb.mjs --url http://127.0.0.1:PORT/v1/chat/completions
//                      [--model gpt-4o-mini] [--n 200] [--auth "Bearer sk-..."]
//                      [--label name] [--timeout-ms 10000] [--deadline-s 120]
//                      [--no-keepalive]
// Output: a human-readable summary on stderr and one line
//   RESULT {"label":...,"n":...,"ok":...,"failed":...,"ttfb_p50_ms":...,...}
// on stdout. Exit status 1 if any request failed.
import http from 'node:http';
import { URL } from 'node:url';

function parseArgs(argv) {
  const o = { model: 'gpt-4o-mini', n: 200, auth: '', label: '', timeoutMs: 10000, deadlineS: 120, keepAlive: true };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`); return argv[++i]; };
    switch (a) {
      case '--url': o.url = next(); break;
      case '--model': o.model = next(); break;
      case '--n': o.n = parseInt(next(), 10); break;
      case '--auth': o.auth = next(); break;
      case '--label': o.label = next(); break;
      case '--timeout-ms': o.timeoutMs = parseInt(next(), 10); break;
      case '--deadline-s': o.deadlineS = parseFloat(next()); break;
      case '--no-keepalive': o.keepAlive = false; break;
      case '-h': case '--help':
        console.log('usage: node ttfb.mjs --url URL [--model M] [--n N] [--auth "Bearer KEY"] [--label L] [--timeout-ms MS] [--deadline-s S] [--no-keepalive]');
        process.exit(0);
        break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!o.url) throw new Error('--url is required');
  if (!(o.n > 0 && o.n <= 100000)) throw new Error('--n must be in 1..100000');
  return o;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

const opts = parseArgs(process.argv);
const target = new URL(opts.url);
if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(target.hostname)) {
  console.error(`refusing non-loopback target ${target.hostname}`);
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: opts.keepAlive, maxSockets: 1 });
const body = JSON.stringify({
  model: opts.model,
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
});

function once() {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r) => { if (!done) { done = true; clearTimeout(timer); resolve(r); } };
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Accept: 'text/event-stream' };
    if (opts.auth) headers.Authorization = opts.auth;
    const t0 = process.hrtime.bigint();
    let ttfb = null;
    let text = '';
    const req = http.request({
      agent, method: 'POST', hostname: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || 80,
      path: target.pathname + target.search, headers,
    }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (ttfb === null) ttfb = Number(process.hrtime.bigint() - t0) / 1e6;
        if (text.length < 1 << 20) text += chunk;
      });
      res.on('end', () => {
        const total = Number(process.hrtime.bigint() - t0) / 1e6;
        if (res.statusCode !== 200) return finish({ ok: false, error: `HTTP ${res.statusCode}: ${text.slice(0, 200)}` });
        if (!text.includes('[DONE]')) return finish({ ok: false, error: 'stream ended without [DONE]' });
        finish({ ok: true, ttfb, total });
      });
      res.on('error', (e) => finish({ ok: false, error: String(e) }));
    });
    const timer = setTimeout(() => { req.destroy(new Error('timeout')); finish({ ok: false, error: 'timeout' }); }, opts.timeoutMs);
    req.on('error', (e) => finish({ ok: false, error: String(e) }));
    req.end(body);
  });
}

const deadline = Date.now() + opts.deadlineS * 1000;
const ttfbs = [];
const totals = [];
const errors = new Map();
let sent = 0;
for (; sent < opts.n && Date.now() < deadline; sent++) {
  const r = await once();
  if (r.ok) { ttfbs.push(r.ttfb); totals.push(r.total); }
  else errors.set(r.error, (errors.get(r.error) || 0) + 1);
}
agent.destroy();

ttfbs.sort((a, b) => a - b);
totals.sort((a, b) => a - b);
const r3 = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
const result = {
  label: opts.label || opts.url,
  n: sent,
  ok: ttfbs.length,
  failed: sent - ttfbs.length,
  ttfb_p50_ms: r3(percentile(ttfbs, 50)),
  ttfb_p99_ms: r3(percentile(ttfbs, 99)),
  ttfb_max_ms: r3(ttfbs[ttfbs.length - 1]),
  total_p50_ms: r3(percentile(totals, 50)),
  total_p99_ms: r3(percentile(totals, 99)),
  errors: Object.fromEntries(errors),
};
console.error(`[ttfb] ${result.label}: ${result.ok}/${result.n} ok, ttfb p50 ${result.ttfb_p50_ms} ms, p99 ${result.ttfb_p99_ms} ms`);
if (errors.size) console.error('[ttfb] errors:', result.errors);
console.log('RESULT ' + JSON.stringify(result));
process.exit(result.failed > 0 || result.ok === 0 ? 1 : 0);
