// A live sparkline on a canvas: the last `capacity` samples, a gap where a sample is null
// (no reply), a soft area under the line and a dot on the newest value.

export class Sparkline {
  constructor(canvas, { capacity = 60, unit = "ms" } = {}) {
    this.canvas = canvas;
    this.capacity = capacity;
    this.unit = unit;
    this.samples = [];
    this.total = 0;
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** Adds a value (or null for a missed sample) and redraws. */
  push(value) {
    this.samples.push(value);
    if (this.samples.length > this.capacity) this.samples.shift();
    if (value !== null) this.total++;
    this.canvas.dataset.samples = String(this.total);
    this.draw();
  }

  clear() {
    this.samples = [];
    this.draw();
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (w === 0 || h === 0) return;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const css = getComputedStyle(c);
    const accent = css.getPropertyValue("--accent").trim() || "#4f8cff";
    const grid = css.getPropertyValue("--grid").trim() || "rgba(255,255,255,0.08)";
    const muted = css.getPropertyValue("--muted").trim() || "#8892a6";

    const values = this.samples.filter((v) => v !== null);
    const top = niceCeiling(Math.max(1, ...values));
    const pad = { l: 48, r: 8, t: 8, b: 6 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    const x = (i) => pad.l + (pw * i) / Math.max(1, this.capacity - 1);
    const y = (v) => pad.t + ph - (ph * Math.min(v, top)) / top;

    // Grid: the ceiling and its half, labelled.
    g.font = "10px system-ui, sans-serif";
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (const v of [top, top / 2, 0]) {
      g.strokeStyle = grid;
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(pad.l, Math.round(y(v)) + 0.5);
      g.lineTo(w - pad.r, Math.round(y(v)) + 0.5);
      g.stroke();
      g.fillStyle = muted;
      g.fillText(`${formatValue(v)} ${this.unit}`, pad.l - 4, y(v));
    }
    if (values.length === 0) return;

    // Newest sample at the right edge.
    const offset = this.capacity - this.samples.length;
    const runs = [];
    let run = [];
    this.samples.forEach((v, i) => {
      if (v === null) {
        if (run.length) runs.push(run);
        run = [];
      } else {
        run.push([x(i + offset), y(v)]);
      }
    });
    if (run.length) runs.push(run);

    const fill = g.createLinearGradient(0, pad.t, 0, pad.t + ph);
    fill.addColorStop(0, withAlpha(accent, 0.35));
    fill.addColorStop(1, withAlpha(accent, 0));
    for (const points of runs) {
      g.beginPath();
      g.moveTo(points[0][0], pad.t + ph);
      for (const [px, py] of points) g.lineTo(px, py);
      g.lineTo(points[points.length - 1][0], pad.t + ph);
      g.closePath();
      g.fillStyle = fill;
      g.fill();
      g.beginPath();
      points.forEach(([px, py], i) => (i ? g.lineTo(px, py) : g.moveTo(px, py)));
      if (points.length === 1) g.lineTo(points[0][0] + 0.5, points[0][1]);
      g.strokeStyle = accent;
      g.lineWidth = 1.75;
      g.lineJoin = "round";
      g.stroke();
    }
    const last = this.samples[this.samples.length - 1];
    if (last !== null) {
      g.beginPath();
      g.arc(x(this.capacity - 1), y(last), 3.5, 0, Math.PI * 2);
      g.fillStyle = accent;
      g.fill();
    }
  }
}

/** 1, 2, 5 x 10^n at or above v. */
function niceCeiling(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function formatValue(v) {
  return v >= 10 || v === 0 ? String(Math.round(v)) : v.toFixed(1);
}

function withAlpha(color, alpha) {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
