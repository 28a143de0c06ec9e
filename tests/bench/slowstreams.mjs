#!/usr/bin/env node
// "1,000 concurrent slow streams (one event per 100 ms)" (no npm dependencies).
//
// Runs its own tiny upstream (an OpenAI-style SSE server on 127.0.0.1) that,
// for every POST .../chat/completions, emits EVENTS chat.completion.chunk
// events INTERVAL ms apart, then a usage chunk (empty choices), then
// `data: [DONE]`. It then opens N concurrent streaming requests through the
// gateway (a channel/model pointing at the upstream must already be
// configured, e.g. by run.sh), and checks that every stream receives all
// events. It reports per-stream max inter-event gap (a stall = gap > 1 s),
// time to first event, peak concurrency and the gateway's RSS while the
// streams are open (sampled from /proc/<pid>/status).
//
// usage: node slowstreams.mjs --url http://127.0.0.1:GW/v1/chat/completions
//          --upstream-port PORT [--auth "Bearer sk-..."] [--model slow-model]
//          [--n 1000] [--events 20] [--interval-ms 100] [--ramp-ms 1000]
//          [--stall-ms 1000] [--deadline-s 120] [--pid GATEWAY_PID]
//        node slowstreams.mjs --upstream-only --upstream-port PORT [--duration-s 600]
// The gateway pid may also be given as env GATEWAY_PID.
// Self-test without a gateway: --url http://127.0.0.1:PORT/v1/chat/completions
// with the same PORT as --upstream-port talks to the built-in upstream directly.
//
// Output: a summary on stderr and `RESULT {json}` on stdout. Exit status 1
// when any stream did not receive every event (or did not finish in time).
import http from 'node:http';
import fs from 'node:fs';
import { URL } from 'node:url';

function parseArgs(argv) {
  const o = {
    n: 1000, events: 20, intervalMs: 100, rampMs: 1000, stallMs: 1000, deadlineS: 120,
    model: 'slow-model', auth: '', pid: process.env.GATEWAY_PID || '', upstreamOnly: false,
    durationS: 600, upstreamPort: 0,
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`); return argv[++i]; };
    switch (a) {
      case '--url': o.url = next(); break;
      case '--upstream-port': o.upstreamPort = parseInt(next(), 10); break;
      case '--auth': o.auth = next(); break;
      case '--model': o.model = next(); break;
      case '--n': o.n = parseInt(next(), 10); break;
      case '--events': o.events = parseInt(next(), 10); break;
      case '--interval-ms': o.intervalMs = parseInt(next(), 10); break;
      case '--ramp-ms': o.rampMs = parseInt(next(), 10); break;
      case '--stall-ms': o.stallMs = parseInt(next(), 10); break;
      case '--deadline-s': o.deadlineS = parseFloat(next()); break;
      case '--duration-s': o.durationS = parseFloat(next()); break;
      case '--pid': o.pid = next(); break;
      case '--upstream-only': o.upstreamOnly = true; break;
      case '-h': case '--help':
        console.log('see the header of slowstreams.mjs for usage');
        process.exit(0);
        break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!o.upstreamOnly && !o.url) throw new Error('--url is required');
  if (!(o.n > 0 && o.n <= 20000)) throw new Error('--n must be in 1..20000');
  if (!(o.events > 0 && o.events <= 10000)) throw new Error('--events must be in 1..10000');
  if (!(o.deadlineS > 0 && o.deadlineS <= 3600)) throw new Error('--deadline-s must be in (0, 3600]');
  return o;
}

const opts = parseArgs(process.argv);
const LOOPBACK = ['127.0.0.1', 'localhost', '::1', '[::1]'];
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

// ---------------------------------------------------------------- upstream
let upstreamActive = 0;
let upstreamPeak = 0;
let upstreamRequests = 0;

function chunkEvent(id, created, model, delta, finishReason) {
  return 'data: ' + JSON.stringify({
    id, object: 'chat.completion.chunk', created, model,
    system_fingerprint: 'fp_slow',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  }) + '\n\n';
}

function startUpstream(port) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || !req.url.split('?')[0].endsWith('/chat/completions')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { if (body.length < 1 << 20) body += c; });
    req.on('end', () => {
      let model = opts.model;
      try { model = JSON.parse(body).model || model; } catch { /* keep default */ }
      upstreamRequests++;
      upstreamActive++;
      upstreamPeak = Math.max(upstreamPeak, upstreamActive);
      const id = `chatcmpl-slow-${upstreamRequests}`;
      const created = Math.floor(Date.now() / 1000);
      res.socket?.setNoDelay(true);
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      let i = 0;
      let finished = false;
      const stop = () => { if (!finished) { finished = true; clearInterval(timer); upstreamActive--; } };
      const tick = () => {
        if (finished) return;
        if (i < opts.events) {
          const delta = i === 0 ? { role: 'assistant', content: `t${i} ` } : { content: `t${i} ` };
          res.write(chunkEvent(id, created, model, delta, i === opts.events - 1 ? 'stop' : null));
          i++;
          return;
        }
        res.write('data: ' + JSON.stringify({
          id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_slow', choices: [],
          usage: { prompt_tokens: 5, completion_tokens: opts.events, total_tokens: 5 + opts.events },
        }) + '\n\n');
        res.end('data: [DONE]\n\n');
        stop();
      };
      const timer = setInterval(tick, opts.intervalMs);
      res.on('close', stop);
      tick(); // first event immediately, then one every intervalMs
    });
  });
  server.keepAliveTimeout = 60000;
  server.headersTimeout = 65000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => resolve(server));
  });
}

// ---------------------------------------------------------------- RSS
function readStatus(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)\s*kB/.exec(s);
    const thr = /Threads:\s+(\d+)/.exec(s);
    return { rssKb: rss ? parseInt(rss[1], 10) : null, threads: thr ? parseInt(thr[1], 10) : null };
  } catch {
    return { rssKb: null, threads: null };
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

// ---------------------------------------------------------------- client
async function runClients(server) {
  const target = new URL(opts.url);
  if (!LOOPBACK.includes(target.hostname)) throw new Error(`refusing non-loopback target ${target.hostname}`);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const body = JSON.stringify({
    model: opts.model, stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'stream slowly please' }],
  });
  const t0 = now();
  const deadline = t0 + opts.deadlineS * 1000;
  let active = 0;
  let peakActive = 0;
  let finishedCount = 0;
  const streams = [];
  const rss = { maxKb: 0, fullMaxKb: 0, samples: 0, fullSamples: 0, maxThreads: 0, idleKb: null };
  if (opts.pid) rss.idleKb = readStatus(opts.pid).rssKb;

  let resolveAll;
  const allDone = new Promise((r) => { resolveAll = r; });
  const onFinished = () => { finishedCount++; if (finishedCount === opts.n) resolveAll(); };

  const sampler = setInterval(() => {
    if (!opts.pid) return;
    const st = readStatus(opts.pid);
    if (st.rssKb === null) return;
    rss.samples++;
    rss.maxKb = Math.max(rss.maxKb, st.rssKb);
    rss.maxThreads = Math.max(rss.maxThreads, st.threads || 0);
    if (active >= opts.n) { rss.fullSamples++; rss.fullMaxKb = Math.max(rss.fullMaxKb, st.rssKb); }
  }, 200);

  const startOne = (idx) => {
    const s = {
      idx, start: now(), status: 0, firstEvent: null, lastEvent: null, maxGap: 0,
      events: 0, content: 0, usage: false, done: false, error: null, ended: false,
    };
    streams.push(s);
    let buf = '';
    let opened = false;
    let settled = false;
    const settle = (err) => {
      if (settled) return;
      settled = true;
      if (err && !s.error) s.error = err;
      if (opened) active--;
      s.ended = true;
      onFinished();
    };
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Accept: 'text/event-stream' };
    if (opts.auth) headers.Authorization = opts.auth;
    const req = http.request({
      agent, method: 'POST', hostname: host, port: target.port || 80, path: target.pathname + target.search, headers,
    }, (res) => {
      s.status = res.statusCode;
      opened = true;
      active++;
      peakActive = Math.max(peakActive, active);
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const t = now();
        if (s.status !== 200) { if (buf.length < 4096) buf += chunk; return; }
        buf += chunk.replace(/\r\n/g, '\n');
        let sep;
        while ((sep = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, sep);
          buf = buf.slice(sep + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          if (!data) continue;
          s.events++;
          if (s.lastEvent !== null) s.maxGap = Math.max(s.maxGap, t - s.lastEvent);
          else s.firstEvent = t;
          s.lastEvent = t;
          if (data === '[DONE]') { s.done = true; continue; }
          try {
            const j = JSON.parse(data);
            if (Array.isArray(j.choices) && j.choices.length > 0 && typeof j.choices[0]?.delta?.content === 'string'
                && j.choices[0].delta.content.length > 0) s.content++;
            if (j.usage && (!j.choices || j.choices.length === 0)) s.usage = true;
          } catch {
            s.error = s.error || 'unparseable event';
          }
        }
      });
      res.on('end', () => {
        if (s.status !== 200) return settle(`HTTP ${s.status}: ${buf.slice(0, 200)}`);
        if (s.content !== opts.events) return settle(`got ${s.content}/${opts.events} content events`);
        if (!s.done) return settle('no [DONE]');
        settle(null);
      });
      res.on('error', (e) => settle(String(e.code || e)));
      res.on('aborted', () => settle('aborted'));
    });
    req.on('error', (e) => settle(String(e.code || e)));
    req.end(body);
    s.req = req;
  };

  // Ramp the N requests over rampMs, in small batches.
  const batches = Math.max(1, Math.min(opts.n, Math.ceil(opts.rampMs / 10)));
  const perBatch = Math.ceil(opts.n / batches);
  let started = 0;
  const launcher = setInterval(() => {
    for (let k = 0; k < perBatch && started < opts.n; k++) startOne(started++);
    if (started >= opts.n) clearInterval(launcher);
  }, Math.max(1, Math.floor(opts.rampMs / batches)));

  const timedOut = await Promise.race([
    allDone.then(() => false),
    new Promise((r) => setTimeout(() => r(true), Math.max(0, deadline - now()))),
  ]);
  clearInterval(launcher);
  clearInterval(sampler);
  if (timedOut) {
    for (const s of streams) if (!s.ended) { s.error = s.error || 'deadline'; s.req?.destroy(); }
  }
  const elapsed = now() - t0;
  agent.destroy();

  const ok = streams.filter((s) => s.ended && !s.error);
  const failed = opts.n - ok.length;
  const gaps = streams.filter((s) => s.events > 1).map((s) => s.maxGap).sort((a, b) => a - b);
  const ttfe = streams.filter((s) => s.firstEvent !== null).map((s) => s.firstEvent - s.start).sort((a, b) => a - b);
  const stalls = streams.filter((s) => s.maxGap > opts.stallMs).length;
  const errors = {};
  for (const s of streams) if (s.error) errors[s.error] = (errors[s.error] || 0) + 1;
  if (started < opts.n) errors['not started (deadline)'] = opts.n - started;
  const r1 = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
  const mb = (kb) => (kb ? Math.round(kb / 102.4) / 10 : null);
  return {
    n: opts.n, events_per_stream: opts.events, interval_ms: opts.intervalMs,
    ok: ok.length, failed, timed_out: timedOut, elapsed_s: r1(elapsed / 1000),
    peak_concurrent_client: peakActive, peak_concurrent_upstream: upstreamPeak, upstream_requests: upstreamRequests,
    usage_chunk_seen: streams.filter((s) => s.usage).length,
    stalls, stall_threshold_ms: opts.stallMs,
    max_gap_p50_ms: r1(percentile(gaps, 50)), max_gap_p99_ms: r1(percentile(gaps, 99)), max_gap_max_ms: r1(gaps[gaps.length - 1]),
    first_event_p50_ms: r1(percentile(ttfe, 50)), first_event_p99_ms: r1(percentile(ttfe, 99)),
    rss_idle_mb: mb(rss.idleKb), rss_max_mb: mb(rss.maxKb), rss_all_open_mb: mb(rss.fullMaxKb),
    rss_samples: rss.samples, rss_all_open_samples: rss.fullSamples, gateway_threads_max: rss.maxThreads || null,
    errors,
  };
}

// ---------------------------------------------------------------- main
const server = await startUpstream(opts.upstreamPort);
const upPort = server.address().port;
console.error(`[slowstreams] upstream listening on 127.0.0.1:${upPort}`);
if (opts.upstreamOnly) {
  const stopAt = setTimeout(() => server.close(), opts.durationS * 1000);
  process.on('SIGTERM', () => { clearTimeout(stopAt); server.close(); process.exit(0); });
  process.on('SIGINT', () => { clearTimeout(stopAt); server.close(); process.exit(0); });
} else {
  let result;
  try {
    result = await runClients(server);
  } finally {
    server.closeAllConnections?.();
    server.close();
  }
  console.error(`[slowstreams] ${result.ok}/${result.n} streams complete, ${result.stalls} stalled (gap > ${result.stall_threshold_ms} ms), ` +
    `max gap p50 ${result.max_gap_p50_ms} ms / p99 ${result.max_gap_p99_ms} ms / max ${result.max_gap_max_ms} ms, ` +
    `peak concurrent ${result.peak_concurrent_client} (upstream ${result.peak_concurrent_upstream}), ` +
    `gateway RSS all-open ${result.rss_all_open_mb} MB (max ${result.rss_max_mb} MB), ${result.elapsed_s} s`);
  if (Object.keys(result.errors).length) console.error('[slowstreams] errors:', result.errors);
  console.log('RESULT ' + JSON.stringify(result));
  process.exit(result.failed > 0 ? 1 : 0);
}
