#!/usr/bin/env python3
"""Routing soak report (driven by soak-routing.sh).

Joins what the client saw (soak-routing.mjs output), what the mock upstream received (GET
/mock/stats?requests=1) and what the gateway logged (its SQLite log database: logs and
retry_logs) for the two runs of the soak, checks issue 4's two figures and prints a Markdown
summary. Exit status 0 when both figures hold, 1 otherwise.

Figure 1 (the main run): at least --min-success % of its requests succeed for the client, and
once the failing channel's request count at the mock stopped growing (the ban), it never grows
again.

Figure 2 (the serial run, concurrency 1): every retried request satisfies both
  (a) client latency <= bound + allowance and (b) gateway logs.latency_ms <= bound + allowance,
with bound = its failed attempts' own times (retry_logs.latency_ms) + the successful attempt's
own time (logs.created_at - the mock's receipt of it) + the backoff asked for (0: the retry went
to another channel). The same checks over the main run's retried requests are reported too.
"""
import argparse
import json
import sqlite3
import sys


def pct(values, p):
    """Nearest-rank percentile of a list (NaN when empty)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, -(-p * len(s) // 100) - 1))
    return s[int(k)]


def fmt(x, d=1, sign=False):
    if x is None or x != x:
        return "n/a"
    return f"{x:+.{d}f}" if sign else f"{x:.{d}f}"


def mark(ok):
    return "**PASS**" if ok else "**FAIL**"


class Run:
    """One load run: the client's records joined with the gateway's rows and the mock's log."""

    def __init__(self, path, failing_auth, failing_channel, db, mock_by_id, allowance):
        data = json.load(open(path))
        self.n = data["n"]
        self.concurrency = data["concurrency"]
        self.stream_every = data["stream_every"]
        self.elapsed = data["elapsed_s"]
        self.samples = data["samples"]
        self.reqs = data["requests"]
        self.failing_auth = failing_auth
        self.failing_channel = failing_channel
        self.start = min(r["start_wall_ms"] for r in self.reqs)
        self.ok = sum(1 for r in self.reqs if r["ok"])
        ids = {r["request_id"]: r for r in self.reqs if r["request_id"]}
        logs = {}
        for rid, retry_times, latency, created, channel, upstream in db.execute(
                "SELECT request_id, retry_times, latency_ms, created_at, channel_id, upstream_id "
                "FROM logs"):
            if rid in ids:
                logs[rid] = dict(retry_times=retry_times, latency=latency, created=created,
                                 channel=channel, upstream=upstream)
        attempts = {}
        for rid, latency, created, channel in db.execute(
                "SELECT request_id, latency_ms, created_at, channel_id FROM retry_logs"):
            if rid in ids:
                attempts.setdefault(rid, []).append(
                    dict(latency=latency, created=created, channel=channel))
        self.gateway_failing = sum(
            db.execute(f"SELECT count(*) FROM {table} WHERE channel_id = ?",
                       (failing_channel,)).fetchone()[0] for table in ("logs", "retry_logs"))
        self.unlogged = sum(1 for rid in ids if rid not in logs)

        self.retried, self.plain = [], []
        for rid, r in ids.items():
            row = logs.get(rid)
            if row is None or not r["ok"]:
                continue
            up = row["upstream"] or ""
            mock = mock_by_id.get(int(up[8:])) if up.startswith("req_mock") else None
            received = mock["received_at_ms"] if mock else None
            it = dict(client=r["latency_ms"], gateway=row["latency"], stream=r["stream"],
                      start=r["start_wall_ms"],
                      received=received, row=row, attempts=attempts.get(rid, []),
                      success=row["created"] - received if received is not None else None,
                      # The client's time outside the gateway's latency_ms: before the gateway
                      # read the request, and after it logged the answer until the client had
                      # all of it (ms-rounded gateway timestamps against the client's clock).
                      before_gw=row["created"] - row["latency"] - r["start_wall_ms"],
                      after_gw=r["end_wall_ms"] - row["created"])
            (self.retried if row["retry_times"] > 0 else self.plain).append(it)

        # The retry cost checks (see the module comment).
        self.checks, self.unknown = [], 0
        for it in self.retried:
            failed = sum(x["latency"] for x in it["attempts"])
            same_channel = any(x["channel"] == it["row"]["channel"] for x in it["attempts"])
            if it["success"] is None or not it["attempts"] or same_channel:
                self.unknown += 1  # No mock timing, no retry row or a same-channel retry.
                continue
            bound = failed + it["success"] + 0  # Backoff asked for: 0 (another channel).
            self.checks.append(dict(
                client=it["client"], gateway=it["gateway"], failed=failed, success=it["success"],
                excess=it["client"] - bound, gw_excess=it["gateway"] - bound,
                gap=it["received"] - max(x["created"] for x in it["attempts"])))
        self.client_ok = sum(1 for c in self.checks if c["excess"] <= allowance)
        self.gateway_ok = sum(1 for c in self.checks if c["gw_excess"] <= allowance)
        checkable = bool(self.retried) and self.unknown == 0
        self.figure2 = (checkable and self.client_ok == len(self.checks) and
                        self.gateway_ok == len(self.checks))
        base = [it for it in self.plain if it["success"] is not None]
        self.plain_excess = [it["client"] - it["success"] for it in base]
        self.plain_gw_excess = [it["gateway"] - it["success"] for it in base]

    def describe(self):
        return (f"{self.n} requests at concurrency {self.concurrency}, every "
                f"{self.stream_every}th streamed, {self.elapsed:.1f} s "
                f"({len(self.reqs) / self.elapsed:.0f} req/s), {self.ok} succeeded")

    def latency_table(self):
        out = ["| requests | count | client p50 | p99 | max | gateway `latency_ms` p50 / p99 | "
               "client sent → gateway read p50 / p99 | gateway logged → client done p50 / p99 |",
               "|---|---:|---:|---:|---:|---:|---:|---:|"]
        groups = [("not retried", self.plain)]
        if self.retried:
            # The requests of the same moment: retries happen only before the ban, at the start.
            lo = min(it["start"] for it in self.retried)
            hi = max(it["start"] for it in self.retried)
            groups.append((f"not retried, started in the same {hi - lo:.0f} ms as the retried "
                           f"ones", [it for it in self.plain if lo <= it["start"] <= hi]))
        groups.append(("retried", self.retried))
        for label, group in groups:
            c = [it["client"] for it in group]
            g = [it["gateway"] for it in group]
            b = [it["before_gw"] for it in group]
            a = [it["after_gw"] for it in group]
            out.append(f"| {label} | {len(group)} | {fmt(pct(c, 50), 2)} | {fmt(pct(c, 99), 2)} | "
                       f"{fmt(max(c) if c else None, 2)} | {fmt(pct(g, 50), 0)} / "
                       f"{fmt(pct(g, 99), 0)} | {fmt(pct(b, 50))} / {fmt(pct(b, 99))} | "
                       f"{fmt(pct(a, 50))} / {fmt(pct(a, 99))} |")
        return out

    def cost_table(self, allowance, gating):
        n = len(self.checks)
        verdict = (lambda ok: mark(ok)) if gating else (lambda ok: "met" if ok else "not met")
        out = ["| metric | value |", "|---|---:|",
               f"| retried requests (`logs.retry_times` > 0) | {len(self.retried)} "
               f"({sum(1 for it in self.retried if it['stream'])} streamed) |"]
        if self.unknown:
            out.append(f"| not checkable (no timing, no retry row or same-channel retry) | "
                       f"{self.unknown} |")
        out.append(f"| (a) client latency ≤ bound + {allowance:g} ms: satisfied / checked | "
                   f"{self.client_ok} / {n} {verdict(n > 0 and self.client_ok == n)} |")
        out.append(f"| (b) gateway `latency_ms` ≤ bound + {allowance:g} ms: satisfied / checked | "
                   f"{self.gateway_ok} / {n} {verdict(n > 0 and self.gateway_ok == n)} |")
        if self.checks:
            for label, key in (("(a)", "excess"), ("(b)", "gw_excess")):
                ex = [c[key] for c in self.checks]
                w = max(self.checks, key=lambda c, k=key: c[k])
                out.append(f"| {label} excess over the bound, p50 / worst | {fmt(pct(ex, 50), 2, True)}"
                           f" / {fmt(max(ex), 2, True)} ms (that request: client "
                           f"{w['client']:.2f} ms, gateway {w['gateway']} ms, failed attempt "
                           f"{w['failed']} ms, successful attempt {w['success']} ms) |")
            gaps = [c["gap"] for c in self.checks]
            fa = [c["failed"] for c in self.checks]
            out.append(f"| failed attempt's own time, p50 / max | {pct(fa, 50)} / {max(fa)} ms |")
            out.append(f"| failed attempt logged → next attempt received by the mock, p50 / max | "
                       f"{pct(gaps, 50)} / {max(gaps)} ms |")
        if self.plain_excess:
            out.append(f"| same excess for requests not retried (bound = own attempt): (a) p50 / "
                       f"p99 / max | {fmt(pct(self.plain_excess, 50), 2, True)} / "
                       f"{fmt(pct(self.plain_excess, 99), 2, True)} / "
                       f"{fmt(max(self.plain_excess), 2, True)} ms |")
            out.append(f"| … (b) p50 / p99 / max | {fmt(pct(self.plain_gw_excess, 50), 0, True)} / "
                       f"{fmt(pct(self.plain_gw_excess, 99), 0, True)} / "
                       f"{fmt(max(self.plain_gw_excess), 0, True)} ms |")
        out.append(f"| client requests without a log row | {self.unlogged} |")
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--mock", required=True, help="GET /mock/stats?requests=1 answer")
    ap.add_argument("--main", required=True, help="client data of the main run")
    ap.add_argument("--main-failing-auth", required=True)
    ap.add_argument("--main-failing-channel", type=int, required=True)
    ap.add_argument("--serial", required=True, help="client data of the concurrency-1 run")
    ap.add_argument("--serial-failing-auth", required=True)
    ap.add_argument("--serial-failing-channel", type=int, required=True)
    ap.add_argument("--allowance-ms", type=float, default=5.0)
    ap.add_argument("--stable-window", type=int, default=500)
    ap.add_argument("--min-success", type=float, default=99.9)
    ap.add_argument("--banned", default="", help="GET /api/monitor/banned_channels answer")
    ap.add_argument("--meta", default="{}")
    ap.add_argument("--json-out", default="")
    a = ap.parse_args()

    mock = json.load(open(a.mock))
    mock_by_id = {e["id"]: e for e in mock["log"]}
    meta = json.loads(a.meta)
    db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    main_run = Run(a.main, a.main_failing_auth, a.main_failing_channel, db, mock_by_id,
                   a.allowance_ms)
    serial = Run(a.serial, a.serial_failing_auth, a.serial_failing_channel, db, mock_by_id,
                 a.allowance_ms)
    db.close()

    # ------------------------------------------------------------ figure 1 (main run)
    r = main_run
    success_pct = 100.0 * r.ok / r.n
    success_ok = success_pct >= a.min_success
    # The ban point: the first sample from which the failing count stays the same over the next
    # --stable-window completed requests (the window fully observed).
    ban = None
    for k, s in enumerate(r.samples):
        end = s["completed"] + a.stable_window
        if (any(t["completed"] >= end for t in r.samples[k:]) and
                all(t["failing"] == s["failing"] for t in r.samples[k:] if t["completed"] <= end)):
            ban = s
            break
    growth_after = r.samples[-1]["failing"] - ban["failing"] if ban else None
    failing_log = [e for e in mock["log"] if e["authorization"] == r.failing_auth]
    after_ban_mock = (sum(1 for e in failing_log if e["received_at_ms"] > ban["wall_ms"])
                      if ban else None)
    ban_ok = ban is not None and growth_after == 0 and after_ban_mock == 0
    figure1 = success_ok and ban_ok
    figure2 = serial.figure2

    # ------------------------------------------------------------ report
    out = ["# Routing soak results", "",
           f"{meta.get('date', '')} · {meta.get('cores', '?')} cores · node "
           f"{meta.get('node', '?')} · rev {meta.get('rev', '?')}", "",
           "Three OpenAI channels per model at the mock upstream: two healthy, one "
           "(`model_mapping` → `error-500`) failing every request. " + meta.get("settings", ""),
           "", f"- main run (model `{meta.get('model', '?')}`): {r.describe()};",
           f"- serial run (model `{meta.get('serial_model', '?')}`, its own failing channel): "
           f"{serial.describe()}.", ""]
    out += ["## Figure 1: requests succeed, and the banned channel gets no traffic (main run)", "",
            "| metric | value |", "|---|---:|",
            f"| client successes | {r.ok} / {r.n} = {success_pct:.3f} % (≥ {a.min_success:g} %: "
            f"{mark(success_ok)}) |",
            f"| requests that reached the failing channel (mock log) | {len(failing_log)} |",
            f"| failing-channel attempts in the gateway's rows (`logs` + `retry_logs`) | "
            f"{r.gateway_failing} |"]
    if ban:
        out.append(f"| ban point: failing count first stable for the next {a.stable_window} "
                   f"completed requests | completed request #{ban['completed']} (#{ban['started']}"
                   f" started), {(ban['wall_ms'] - r.start) / 1000:.3f} s into the run, count "
                   f"{ban['failing']} |")
    else:
        out.append("| ban point | the failing count never stayed flat: **no ban detected** |")
    out.append(f"| failing-channel requests after the ban point (stats samples / mock log) | "
               f"{growth_after} / {after_ban_mock} {mark(ban_ok)} |")
    if failing_log:
        last = max(e["received_at_ms"] for e in failing_log)
        done = sum(1 for q in r.reqs if q["end_wall_ms"] <= last)
        started = sum(1 for q in r.reqs if q["start_wall_ms"] <= last + 1)
        out.append(f"| last request received by the failing channel | "
                   f"{(last - r.start) / 1000:.3f} s into the run: {done} client requests "
                   f"completed, {started} started |")
    out.append(f"| mock stats samples (about every 20 ms) | {len(r.samples)} |")
    if a.banned:
        out.append(f"| `GET /api/monitor/banned_channels` after both runs | `{a.banned}` |")
    out += ["", "## Latency (ms)", "", "Main run:", ""] + r.latency_table()
    out += ["", "Serial run:", ""] + serial.latency_table()
    out += ["", "The last two columns are the client's time outside the gateway's `latency_ms`, "
            "which every request pays in the client's event loop and the sockets, retried or "
            "not.", ""]
    out += ["## Figure 2: what a retry costs the client", "",
            "Bound per retried request: its failed attempts' own times (`retry_logs.latency_ms`) "
            "+ the successful attempt's own time + the backoff asked for (0: every retry here "
            "went to another channel). The successful attempt's own time is `logs.created_at` − "
            "the moment the mock received it (`upstream_id` `req_mock<id>` → `received_at_ms`), "
            "so the bound leaves no room for a wait between the attempts. Allowance "
            f"{a.allowance_ms:g} ms (ms rounding of the logged timestamps, scheduling). (a) is "
            "the client's clock, (b) the gateway's (`logs.latency_ms`: request read → answer "
            "written).", "",
            f"### Serial run (concurrency 1): the figure", ""]
    out += serial.cost_table(a.allowance_ms, True)
    out += ["", f"### Main run (concurrency {r.concurrency}): the same checks, for information",
            "", f"With {r.concurrency} requests in flight on {meta.get('cores', '?')} cores, "
            "every request also waits for the CPU in the client, the gateway and the mock. The "
            "rows for requests that were not retried show that this wait is larger than the "
            "allowance even without a retry, so these checks measure the machine's load more "
            "than the retry.", ""]
    out += r.cost_table(a.allowance_ms, False)
    out += ["", f"**Verdict:** figure 1 {mark(figure1)}, figure 2 {mark(figure2)}.", ""]
    print("\n".join(out))
    if a.json_out:
        json.dump(dict(main=dict(n=r.n, ok=r.ok, success_pct=success_pct,
                                 failing=len(failing_log), gateway_failing=r.gateway_failing,
                                 ban=ban, growth_after=growth_after,
                                 after_ban_mock=after_ban_mock, retried=len(r.retried),
                                 checks=r.checks),
                       serial=dict(n=serial.n, ok=serial.ok, retried=len(serial.retried),
                                   checks=serial.checks),
                       figure1=figure1, figure2=figure2), open(a.json_out, "w"))
    return 0 if figure1 and figure2 else 1


if __name__ == "__main__":
    sys.exit(main())
