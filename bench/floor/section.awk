# Turns bench/results/<run>/floor/results.txt (lines of key=value pairs written by bench/floor.sh) into
# the figures table and issue 22's goals table of docs/benchmarks.md.
{
  delete kv
  for (i = 1; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
  t = kv["target"]
  if (!(t in seen)) { seen[t] = 1; order[++n] = t }
  if ("rss_kb" in kv) { rss[t] = kv["rss_kb"]; next }
  errs[t] += kv["errors"]
  if (kv["requests"] == 0) next # no answer in the whole run: shown as "-"
  key = t SUBSEP kv["case"] SUBSEP kv["c"]
  rps[key] = kv["rps"]; p50[key] = kv["p50_us"]; p99[key] = kv["p99_us"]
}
function has(t, c, k) { return ((t SUBSEP c SUBSEP k) in rps) }
function ms(us) { return sprintf("%.3f ms", us / 1000) }
function signed_ms(us) { return sprintf("%s%.3f ms", us >= 0 ? "+" : "", us / 1000) }
function num(x,  s, out) {
  s = sprintf("%.0f", x); out = ""
  while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
  return s out
}
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
function label(t) {
  if (t == "direct") return "direct (the nginx upstream itself)"
  if (t == "nginx") return "plain nginx reverse proxy (one proxy hop)"
  if (t == "relay") return "bare Vert.x relay (Fairway's HTTP stack alone, `BareRelay`)"
  if (t == "fairway") return "Fairway standalone (defaults, logs on)"
  if (t == "portkey") return "Portkey (pinned in bench/portkey)"
  return t
}
END {
  d1 = has("direct", "plain", 1) ? p50["direct" SUBSEP "plain" SUBSEP 1] : -1
  print "| target | p50 / p99 at c=1 | overhead p50 at c=1 over direct | req/s at c=32 | streams/s at c=32 | p99 at c=32 (plain / stream) | RSS under load | errors |"
  print "|---|---|---|---|---|---|---|---|"
  for (i = 1; i <= n; i++) {
    t = order[i]
    c1 = t SUBSEP "plain" SUBSEP 1; pc = t SUBSEP "plain" SUBSEP 32; sc = t SUBSEP "stream" SUBSEP 32
    over = (t == "direct" || d1 < 0 || !has(t, "plain", 1)) ? "-" : signed_ms(p50[c1] - d1)
    rp = has(t, "plain", 32) ? num(rps[pc]) : "-"
    if (t != "direct" && t != "nginx" && has("nginx", "plain", 32) && has(t, "plain", 32)) rp = rp " (" ratio(rps[pc], rps["nginx" SUBSEP "plain" SUBSEP 32]) " of nginx)"
    sp = has(t, "stream", 32) ? num(rps[sc]) : "-"
    if (t != "direct" && t != "nginx" && has("nginx", "stream", 32) && has(t, "stream", 32)) sp = sp " (" ratio(rps[sc], rps["nginx" SUBSEP "stream" SUBSEP 32]) " of nginx)"
    tail = (has(t, "plain", 32) ? ms(p99[pc]) : "-") " / " (has(t, "stream", 32) ? ms(p99[sc]) : "-")
    mem = (t in rss) ? sprintf("%.0f MiB", rss[t] / 1024) : "-"
    if (t == "nginx" && (t in rss)) mem = mem " (master + workers)"
    if (t == "direct" && (t in rss)) mem = mem " (the upstream)"
    print "| " label(t) " | " (has(t, "plain", 1) ? ms(p50[c1]) " / " ms(p99[c1]) : "-") " | " over " | " rp " | " sp " | " tail " | " mem " | " errs[t] + 0 " |"
  }
  if (!("fairway" in seen) || !("nginx" in seen)) exit
  print ""
  print "Issue 22's goals, every one from this run of `bench/run.sh` (Fairway against the nginx proxy in the same minutes; a floor-only run leaves the last rows unmeasured):"
  print ""
  print "| goal | measured | verdict |"
  print "|---|---|---|"
  g = "streams/s at c=32 >= 0.5 x nginx"
  if (has("fairway", "stream", 32) && has("nginx", "stream", 32)) {
    fs = rps["fairway" SUBSEP "stream" SUBSEP 32]; ns = rps["nginx" SUBSEP "stream" SUBSEP 32]
    verdict(g, num(fs) " / " num(ns) " = " ratio(fs, ns), fs / ns, 0.5, 1, "")
  } else print "| " g " | not measured (no answer) | - |"
  g = "req/s at c=32 >= 0.7 x nginx"
  if (has("fairway", "plain", 32) && has("nginx", "plain", 32)) {
    fp = rps["fairway" SUBSEP "plain" SUBSEP 32]; np = rps["nginx" SUBSEP "plain" SUBSEP 32]
    verdict(g, num(fp) " / " num(np) " = " ratio(fp, np), fp / np, 0.7, 1, "")
  } else print "| " g " | not measured (no answer) | - |"
  g = "overhead p50 at c=1 <= +0.1 ms over direct"
  if (has("fairway", "plain", 1) && has("nginx", "plain", 1) && d1 >= 0) {
    fo = p50["fairway" SUBSEP "plain" SUBSEP 1] - d1; no = p50["nginx" SUBSEP "plain" SUBSEP 1] - d1
    verdict(g, signed_ms(fo) " (nginx: " signed_ms(no) ")", fo / 1000, 0.1, 0, " ms")
  } else print "| " g " | not measured (no answer) | - |"
  g = "RSS <= 256 MiB under this load"
  if (("fairway" in rss) && rss["fairway"] > 0) verdict(g, sprintf("%.0f MiB", rss["fairway"] / 1024), rss["fairway"] / 1024, 256, 0, " MiB")
  else print "| " g " | not measured | - |"
  # The rest come from the full run's other parts (bench/floor.sh, floor_goal_vars); a floor-only run has none.
  full = "not measured (BENCH_FLOOR_ONLY=1 or the part was skipped)"
  g = "1,000 streams/s (run.sh's stream case: the mock's 50 chunks, each written on its own): p99 first byte < 50 ms"
  if (timed_ttfb_p99_us != "") verdict(g, sprintf("p99 first byte %s; %s of 1,000/s achieved, p50 whole stream %s, %d errors", ms(timed_ttfb_p99_us), num(timed_achieved_rps), ms(timed_total_p50_us), timed_errors), timed_ttfb_p99_us / 1000, 50, 0, " ms")
  else print "| " g " | " full " | - |"
  g = "... and no collapse: >= 99% of the offered 1,000 streams/s achieved"
  if (timed_achieved_rps != "") verdict(g, num(timed_achieved_rps) " / 1,000", timed_achieved_rps / 1000, 0.99, 1, "")
  else print "| " g " | " full " | - |"
  g = "RSS <= 400 MiB with 1,000 open streams"
  if (hold_rss_kb != "") verdict(g, sprintf("%.0f MiB", hold_rss_kb / 1024), hold_rss_kb / 1024, 400, 0, " MiB")
  else print "| " g " | " full " | - |"
  host("Envoy ext_proc", envoy_p50_us, full)
  host("Kong plugin server", kong_p50_us, full)
  host("APISIX runner (reference: 124 us when the issue was filed)", apisix_p50_us, full)
}
function host(name, p50, missing,  g) {
  g = name " round trip p50 <= 150 us (forward)"
  if (p50 != "") verdict(g, sprintf("%.1f us", p50), p50, 150, 0, " us")
  else print "| " g " | " missing " | - |"
}
# higher: 1 when the goal is a floor (>=), 0 when it is a ceiling (<=)
function verdict(goal, measured, v, limit, higher, unit) {
  if (higher) r = v >= limit ? "met" : sprintf("missed: %.2f short (%.1fx to go)", limit - v, v > 0 ? limit / v : 0)
  else r = v <= limit ? "met" : sprintf("missed by " (unit == " MiB" ? "%.0f" : "%.3g") "%s (%.1fx the goal)", v - limit, unit, v / limit)
  print "| " goal " | " measured " | " r " |"
}
