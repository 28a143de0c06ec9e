#!/usr/bin/env node
// Routing soak load generator (no npm dependencies); driven by soak-routing.sh.
//
// Warms up (--warmup requests at the same concurrency, over the same keep-alive connections),
// then sends the --arm POST (soak-routing.sh: the admin call that creates the failing channel),
// waits --settle-ms and checks that the failing channel has had no request yet, then sends N chat completion
// requests (every --stream-every'th one streamed) and, meanwhile, polls the mock upstream's
// GET /mock/stats to follow how many requests reached the failing channel (counted by its
// Authorization header).
//
// usage: node soak-routing.mjs --url http://127.0.0.1:GW/v1/chat/completions --auth "Bearer sk-…"
//          --model M --stats-url http://127.0.0.1:MOCK/mock/stats --failing-auth "Bearer sk-failing"
//          --out result.json [--n 10000] [--concurrency 16] [--stream-every 10]
//          [--warmup 500] [--settle-ms 500] [--arm-url URL --arm-body JSON --arm-auth "Bearer admin"]
//          [--poll-ms 20] [--timeout-ms 10000] [--deadline-s 90]
// Writes to --out: {"requests":[{i,stream,status,ok,error,latency_ms,start_wall_ms,end_wall_ms,
//   request_id}],"samples":[{wall_ms,completed,started,failing,upstream}],"arm":{…answer…},
//   "elapsed_s":…}; prints a
// summary on stderr and `RESULT {json}` on stdout. Exit status 1 when any request failed,
// 2 on a usage error.
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { URL } from 'node:url';

function parseArgs(argv) {
  const o = { n: 10000, concurrency: 16, streamEvery: 10, warmup: 500, settleMs: 500, pollMs: 20, timeoutMs: 10000, deadlineS: 90 };
  const ints = { '--n': 'n', '--concurrency': 'concurrency', '--stream-every': 'streamEvery', '--warmup': 'warmup', '--settle-ms': 'settleMs', '--poll-ms': 'pollMs', '--timeout-ms': 'timeoutMs' };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`); return argv[++i]; };
    if (ints[a]) { o[ints[a]] = parseInt(next(), 10); continue; }
    switch (a) {
      case '--url': o.url = next(); break;
      case '--auth': o.auth = next(); break;
      case '--model': o.model = next(); break;
      case '--stats-url': o.statsUrl = next(); break;
      case '--failing-auth': o.failingAuth = next(); break;
      case '--out': o.out = next(); break;
      case '--arm-url': o.armUrl = next(); break;
      case '--arm-body': o.armBody = next(); break;
      case '--arm-auth': o.armAuth = next(); break;
      case '--deadline-s': o.deadlineS = parseFloat(next()); break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  for (const k of ['url', 'auth', 'model', 'statsUrl', 'failingAuth', 'out'])
    if (!o[k]) throw new Error(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is required`);
  if (!(o.n > 0 && o.n <= 1000000)) throw new Error('--n must be in 1..1000000');
  if (!(o.concurrency > 0 && o.concurrency <= 1024)) throw new Error('--concurrency must be in 1..1024');
  for (const u of [o.url, o.statsUrl, o.armUrl].filter(Boolean)) {
    const h = new URL(u).hostname;
    if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(h)) throw new Error(`refusing non-loopback target ${h}`);
  }
  return o;
}

let opts;
try {
  opts = parseArgs(process.argv);
} catch (e) {
  console.error(`soak-routing.mjs: ${e.message}`);
  process.exit(2);
}

const wallNow = () => performance.timeOrigin + performance.now(); // ms since the epoch, fractional
const target = new URL(opts.url);
const stats = new URL(opts.statsUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
const statsAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const bodies = [false, true].map((stream) =>
  JSON.stringify({ model: opts.model, stream, messages: [{ role: 'user', content: 'hi' }] }));

// One request: resolves with its record; never rejects.
function send(i, stream) {
  return new Promise((resolve) => {
    const body = bodies[stream ? 1 : 0];
    const rec = { i, stream, status: 0, ok: false, error: '', latency_ms: 0, start_wall_ms: 0, end_wall_ms: 0, request_id: '' };
    let settled = false;
    const finish = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rec.end_wall_ms = wallNow();
      rec.latency_ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (error) rec.error = error;
      resolve(rec);
    };
    rec.start_wall_ms = wallNow();
    const t0 = process.hrtime.bigint();
    const req = http.request({
      agent, method: 'POST', hostname: target.hostname.replace(/^\[|\]$/g, ''), port: target.port,
      path: target.pathname + target.search,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: opts.auth },
    }, (res) => {
      rec.status = res.statusCode;
      rec.request_id = res.headers['x-request-id'] || '';
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => finish(`response: ${e.message}`));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return finish(`status ${res.statusCode}: ${text.slice(0, 200)}`);
        if (stream) {
          // A complete stream: content events, then [DONE]; no error event.
          if (!text.includes('data: [DONE]') || !text.includes('"chat.completion.chunk"') || /"error"\s*:/.test(text))
            return finish(`bad stream: ${text.slice(-200)}`);
        } else {
          let j = null;
          try { j = JSON.parse(text); } catch { /* reported below */ }
          if (!j || j.object !== 'chat.completion' || !j.choices?.[0]?.message?.content)
            return finish(`bad body: ${text.slice(0, 200)}`);
        }
        rec.ok = true;
        finish('');
      });
    });
    const timer = setTimeout(() => { req.destroy(new Error(`timeout after ${opts.timeoutMs} ms`)); }, opts.timeoutMs);
    req.on('error', (e) => finish(`request: ${e.message}`));
    req.end(body);
  });
}

function getStats() {
  return new Promise((resolve, reject) => {
    const req = http.get({ agent: statsAgent, hostname: stats.hostname, port: stats.port, path: stats.pathname + stats.search }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e); }
      });
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('stats timeout')));
    req.on('error', reject);
  });
}

// The admin call that arms the run; resolves with its parsed answer, rejects unless success.
function arm() {
  const u = new URL(opts.armUrl);
  const body = opts.armBody || '';
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    if (opts.armAuth) headers.Authorization = opts.armAuth;
    const req = http.request({ method: 'POST', hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let j = null;
        try { j = JSON.parse(text); } catch { /* reported below */ }
        if (res.statusCode === 200 && j?.success === true) resolve(j);
        else reject(new Error(`arm request answered ${res.statusCode}: ${text.slice(0, 300)}`));
      });
      res.on('error', reject);
    });
    req.setTimeout(15000, () => req.destroy(new Error('arm request timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const failingCount = (st) => st.by_authorization?.[opts.failingAuth] ?? 0;
const deadline = wallNow() + opts.deadlineS * 1000;

// Runs count requests at opts.concurrency; onStart() before and onDone(record) after each.
async function runPhase(count, onDone, onStart = () => {}) {
  let next = 0;
  const worker = async () => {
    while (next < count && wallNow() < deadline) {
      const i = next++;
      const stream = opts.streamEvery > 0 && i % opts.streamEvery === opts.streamEvery - 1;
      onStart();
      onDone(await send(i, stream));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
}

// Warm-up: the client's and the gateway's connections open, code paths hot.
let warmFailed = 0;
await runPhase(opts.warmup, (r) => { if (!r.ok) warmFailed++; });
if (warmFailed) console.error(`[soak] warning: ${warmFailed} of ${opts.warmup} warm-up requests failed`);
let armed = null;
if (opts.armUrl) {
  try {
    armed = await arm();
  } catch (e) {
    console.error(`soak-routing.mjs: ${e.message}`);
    process.exit(2);
  }
}
// Let the gateway settle (new snapshot, warm-up log rows flushed) before measuring.
await new Promise((r) => setTimeout(r, opts.settleMs));
const baseline = failingCount(await getStats());
if (baseline !== 0) {
  console.error(`soak-routing.mjs: the failing channel already had ${baseline} requests before the run`);
  process.exit(2);
}

const records = new Array(opts.n);
const samples = [];
let started = 0;
let completed = 0;
let running = true;
const startWall = wallNow();

async function poller() {
  let failures = 0;
  while (running) {
    const c = completed;
    const s = started;
    try {
      const st = await getStats();
      // wall_ms: when the answer arrived, so every request counted in it was received before.
      samples.push({ wall_ms: wallNow(), completed: c, started: s, failing: failingCount(st), upstream: st.requests });
    } catch (e) {
      if (++failures > 20) { console.error(`stats polling failed: ${e.message}`); break; }
    }
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}

const pollDone = poller();
await runPhase(opts.n, (r) => { records[r.i] = r; completed++; }, () => { started++; });
running = false;
await pollDone;
// One last sample once everything has completed.
try {
  const st = await getStats();
  samples.push({ wall_ms: wallNow(), completed, started, failing: failingCount(st), upstream: st.requests });
} catch (e) {
  console.error(`final stats sample failed: ${e.message}`);
}
const elapsedS = (wallNow() - startWall) / 1000;
agent.destroy();
statsAgent.destroy();

const done = records.filter(Boolean);
const ok = done.filter((r) => r.ok).length;
const errors = {};
for (const r of done) if (!r.ok) errors[r.error.slice(0, 80)] = (errors[r.error.slice(0, 80)] || 0) + 1;
fs.writeFileSync(opts.out, JSON.stringify({ n: opts.n, concurrency: opts.concurrency, stream_every: opts.streamEvery, warmup: opts.warmup, elapsed_s: elapsedS, arm: armed, requests: done, samples }));
const summary = { n: opts.n, sent: done.length, ok, failed: opts.n - ok, elapsed_s: +elapsedS.toFixed(2), rps: +(done.length / elapsedS).toFixed(0), samples: samples.length, errors };
console.error(`[soak] ${done.length}/${opts.n} sent, ${ok} ok, ${elapsedS.toFixed(1)} s, ${summary.rps} req/s, ${samples.length} stats samples`);
if (Object.keys(errors).length) console.error(`[soak] errors: ${JSON.stringify(errors)}`);
console.log(`RESULT ${JSON.stringify(summary)}`);
process.exit(ok === opts.n ? 0 : 1);
