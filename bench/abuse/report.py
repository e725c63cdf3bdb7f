"""Figures of one attack run (from the bystander's attempts and the server samples) and the
table that prints them next to the server-side goals."""
import math

GOAL_LOGIN_P99 = 1.0      # s: bystander login p99 during the wrong-password storm
GOAL_CPU_IDLE = 2.0       # s: server CPU back to idle after any attack ends
GOAL_KIB_PER_CONN = 16.0  # KiB: RSS per held connection above idle, after the memory attacks


def percentile(attempts, q):
    """Latency at quantile q of (start, seconds, failure) attempts; a failed attempt counts
    as infinitely slow, so failing fast never looks good. None when there are none."""
    if not attempts:
        return None
    values = sorted(math.inf if f else s for _, s, f in attempts)
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def within(attempts, t0, t1):
    return [a for a in attempts if t0 <= a[0] < t1]


def back_to_normal(attempts, t_stop, t_end, limit):
    """Seconds after t_stop from which every attempt started succeeded within `limit`
    seconds; None when the last attempt in the window was still abnormal."""
    after = sorted(a for a in attempts if t_stop <= a[0] < t_end)
    if not after:
        return None
    normal_from = None
    for start, seconds, failure in after:
        if failure or seconds > limit:
            normal_from = None
        elif normal_from is None:
            normal_from = start
    return None if normal_from is None else normal_from - t_stop


def figures(attack, bystander, sampler, t):
    """Everything printed for one attack; t holds the phase times (baseline, baseline_end,
    attack, held: just before the attack's connections closed, stop: just after, end) in
    seconds since the run's epoch, held_connections, and the quiet RSS readings rss_idle,
    rss_held (memory attacks) and rss_after."""
    base_logins = within(bystander.logins, t["baseline"], t["baseline_end"])
    base_echoes = within(bystander.echoes, t["baseline"], t["baseline_end"])
    logins = within(bystander.logins, t["attack"], t["stop"])
    echoes = within(bystander.echoes, t["attack"], t["stop"])
    login_limit = max(2 * (percentile(base_logins, 0.99) or 0.25), 0.25)
    echo_limit = max(2 * (percentile(base_echoes, 0.99) or 0.01), 0.02)
    login_ok = back_to_normal(bystander.logins, t["stop"], t["end"], login_limit)
    echo_ok = back_to_normal(bystander.echoes, t["stop"], t["end"], echo_limit)
    base_cpu = sampler.cpu_percent(t["baseline"], t["baseline_end"])
    # "Idle" is the bystander-only level of the baseline (its logins hash too), plus 20 points.
    threshold = base_cpu + 20
    # RSS readings taken with no bystander login under way (see quiet_rss in __main__).
    idle_rss = t["rss_idle"]
    held_rss = t.get("rss_held", sampler.rss_low(t["held"] - 1.5, t["held"]))
    fails = [f for _, _, f in logins if f]
    f = {
        "attack": attack.name, "protocol": attack.protocol, "about": attack.about,
        "login_p50_s": percentile(logins, 0.5), "login_p99_s": percentile(logins, 0.99),
        "logins": len(logins), "login_failures": len(fails),
        "login_failure_kinds": sorted(set(fails)),
        "echo_p99_s": percentile(echoes, 0.99), "echoes": len(echoes),
        "echo_failures": sum(1 for *_, e in echoes if e),
        "login_times": [(round(s - t["attack"], 3), round(d, 3), e) for s, d, e in logins],
        "baseline_login_p50_s": percentile(base_logins, 0.5),
        "baseline_echo_p99_s": percentile(base_echoes, 0.99),
        "rss_idle_kib": idle_rss, "rss_peak_kib": sampler.rss_peak(t["attack"], t["held"]),
        "rss_held_kib": held_rss, "rss_after_kib": t["rss_after"],
        "held_connections": t["held_connections"],
        "cpu_baseline_percent": base_cpu,
        "cpu_during_percent": sampler.cpu_percent(t["attack"], t["stop"]),
        "cpu_after_2s_percent": sampler.cpu_percent(t["stop"], t["stop"] + 2),
        "cpu_idle_after_s": sampler.idle_after(t["stop"], t["end"] - t["stop"], threshold),
        "cpu_idle_threshold_percent": threshold,
        "normal_after_s": None if login_ok is None or echo_ok is None else max(login_ok, echo_ok),
        "window_after_s": t["end"] - t["stop"], "notes": dict(attack.notes),
    }
    # Per connection: what the attack's connections still hold while open; when the server
    # closed them all, what their passage left behind (RSS after, over idle, per connection).
    if f["held_connections"]:
        f["kib_per_connection"] = (held_rss - idle_rss) / f["held_connections"]
    elif t.get("attack_connections"):
        f["kib_per_connection"] = max(0, t["rss_after"] - idle_rss) / t["attack_connections"]
    else:
        f["kib_per_connection"] = None
    f["goals"] = goals(attack, f)
    return f


def goals(attack, f):
    """[(goal, met)] for this attack."""
    out = []
    if attack.name == "wrong-password":
        p99 = f["login_p99_s"]
        out.append((f"login p99 < {GOAL_LOGIN_P99:g} s", p99 is not None and p99 < GOAL_LOGIN_P99))
    idle = f["cpu_idle_after_s"]
    out.append((f"CPU idle <= {GOAL_CPU_IDLE:g} s after", idle is not None and idle <= GOAL_CPU_IDLE))
    if attack.memory:
        k = f["kib_per_connection"]
        out.append((f"<= {GOAL_KIB_PER_CONN:g} KiB/conn", k is not None and k <= GOAL_KIB_PER_CONN))
    return out


def _s(v):
    if v is None:
        return "-"
    return "fail" if v == math.inf else f"{v * 1000:.0f}ms" if v < 1 else f"{v:.2f}s"


def table(rows):
    """The text table: one block of lines per attack."""
    head = (f"{'attack':<17} {'login p50/p99':>15} {'fail':>7} {'echo p99':>8} "
            f"{'RSS MiB idle>peak>held>after':>29} {'KiB/conn':>8} {'CPU% base/2s':>12} "
            f"{'idle in':>7} {'normal in':>9}  goals")
    lines = [head, "-" * len(head)]
    for f in rows:
        mib = "%6.1f>%6.1f>%6.1f>%6.1f" % tuple(f[k] / 1024 for k in (
            "rss_idle_kib", "rss_peak_kib", "rss_held_kib", "rss_after_kib"))
        kib = "-" if f["kib_per_connection"] is None else f"{f['kib_per_connection']:.1f}"
        idle = _s(f["cpu_idle_after_s"]) if f["cpu_idle_after_s"] is not None else \
            f">{f['window_after_s']:.0f}s"
        normal = _s(f["normal_after_s"]) if f["normal_after_s"] is not None else \
            f">{f['window_after_s']:.0f}s"
        cpu = f"{f['cpu_baseline_percent']:.0f}/{f['cpu_after_2s_percent']:.0f}"
        marks = "; ".join(f"{g}: {'met' if ok else 'NOT met'}" for g, ok in f["goals"])
        lines.append(f"{f['attack']:<17} {_s(f['login_p50_s']) + '/' + _s(f['login_p99_s']):>15} "
                     f"{f['login_failures']:>3}/{f['logins']:<3} {_s(f['echo_p99_s']):>8} "
                     f"{mib:>29} {kib:>8} {cpu:>12} {idle:>7} "
                     f"{normal:>9}  {marks}")
        notes = ", ".join(f"{k} {v}" for k, v in sorted(f["notes"].items()))
        lines.append(f"  {f['about']}; server answered: {notes or 'nothing'}")
        if f["login_failure_kinds"]:
            lines.append(f"  bystander login failures: {', '.join(f['login_failure_kinds'])}")
    return "\n".join(lines)
