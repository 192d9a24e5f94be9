/**
 * A minimal Prometheus registry: labelled counters and one kind of histogram, rendered in the
 * text exposition format (version 0.0.4). Written by hand because the agent needs a handful of
 * series and the hot path must stay allocation-light; a general client would add weight for
 * features (gauges with callbacks, summaries, default process metrics) the agent does not use.
 */

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k])}"`).join(",")}}`;
}

function formatNumber(value: number): string {
  if (value === Infinity) return "+Inf";
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

interface Metric {
  render(): string;
}

/** A monotonically increasing count, optionally split by labels. */
export class Counter implements Metric {
  // Keyed by the rendered label text, so a hot-path increment is one map update.
  readonly #values = new Map<string, number>();

  constructor(readonly name: string, readonly help: string) {}

  /** Adds `by` (default 1) to the series with `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  /** Current value of one series (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.#values.get(labelText(labels)) ?? 0;
  }

  /** Declares a series at 0 so dashboards see it before the first event. */
  declare(labels: Labels = {}): void {
    const key = labelText(labels);
    if (!this.#values.has(key)) this.#values.set(key, 0);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.#values) {
      lines.push(`${this.name}${key} ${formatNumber(value)}`);
    }
    return lines.join("\n");
  }
}

/** A latency histogram without labels, with fixed upper bounds in seconds. */
export class Histogram implements Metric {
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(readonly name: string, readonly help: string, readonly bounds: number[]) {
    this.#counts = bounds.map(() => 0);
  }

  /** Records one observation in seconds. */
  observe(seconds: number): void {
    this.#sum += seconds;
    this.#count++;
    // Buckets are few (about ten); a linear scan beats a binary search at this size.
    for (let i = 0; i < this.bounds.length; i++) {
      if (seconds <= this.bounds[i]) {
        this.#counts[i]++;
        break;
      }
    }
  }

  /** Number of observations so far. */
  get count(): number {
    return this.#count;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.#counts[i];
      lines.push(`${this.name}_bucket{le="${formatNumber(this.bounds[i])}"} ${cumulative}`);
    }
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`);
    lines.push(`${this.name}_sum ${formatNumber(this.#sum)}`);
    lines.push(`${this.name}_count ${this.#count}`);
    return lines.join("\n");
  }
}

/** Holds metrics in registration order and renders them together. */
export class Registry {
  readonly #metrics: Metric[] = [];

  /** Registers and returns a counter. */
  counter(name: string, help: string): Counter {
    const metric = new Counter(name, help);
    this.#metrics.push(metric);
    return metric;
  }

  /** Registers and returns a histogram. */
  histogram(name: string, help: string, bounds: number[]): Histogram {
    const metric = new Histogram(name, help, bounds);
    this.#metrics.push(metric);
    return metric;
  }

  /** The whole exposition, ending with a newline as the format requires. */
  render(): string {
    return this.#metrics.map((m) => m.render()).join("\n") + "\n";
  }
}

/** Content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
