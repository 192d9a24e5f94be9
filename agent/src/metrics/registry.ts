/**
 * The agent's metrics on `prom-client` (the field's client, also in web), one registry per agent:
 * counters that can declare a series at 0 so dashboards see it before the first event, histograms,
 * and gauges that are either set or read when Prometheus scrapes. Measured on the auth hot path
 * (a counter and a histogram per lookup): 0.63 µs against 0.54 µs for the hand-written registry it
 * replaced.
 */
import client from "prom-client";

type Labels = Record<string, string>;

/** A monotonically increasing count, optionally split by labels. */
export class Counter extends client.Counter<string> {
  /** Declares a series at 0 so dashboards see it before the first event. */
  declare(labels: Labels = {}): void {
    this.inc(labels, 0);
  }

  /** The current value of the series with exactly `labels` (0 when it has none yet). */
  async value(labels: Labels = {}): Promise<number> {
    const wanted = Object.entries(labels);
    const { values } = await this.get();
    const found = values.find((v) =>
      Object.keys(v.labels).length === wanted.length &&
      wanted.every(([k, value]) => String(v.labels[k]) === value)
    );
    return found?.value ?? 0;
  }
}

/** A latency (or size) histogram with fixed upper bounds. */
export class Histogram extends client.Histogram<string> {
  /** How many observations it has (of its series without labels). */
  async observations(): Promise<number> {
    const { values } = await this.get();
    return values.find((v) => v.metricName?.endsWith("_count"))?.value ?? 0;
  }
}

/** A value that goes up and down. */
export class Gauge extends client.Gauge<string> {}

/** A gauge the code sets and can read back (prom-client's own `get` is asynchronous). */
export interface SettableGauge {
  set(value: number): void;
  get(): number;
}

/** Holds the agent's metrics and renders them together. */
export class Registry {
  readonly prom = new client.Registry();

  /** Registers and returns a counter; `labelNames` are every label its series may carry. */
  counter(name: string, help: string, labelNames: string[] = []): Counter {
    return new Counter({ name, help, labelNames, registers: [this.prom] });
  }

  /** Registers and returns a histogram (`bounds` in the unit of its name). */
  histogram(name: string, help: string, bounds: number[], labelNames: string[] = []): Histogram {
    return new Histogram({ name, help, buckets: bounds, labelNames, registers: [this.prom] });
  }

  /** Registers a gauge; with `read`, its value is read at each scrape instead of being set. */
  gauge(name: string, help: string, read?: () => number, labelNames: string[] = []): Gauge {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.prom],
      ...(read
        ? {
          collect(this: Gauge) {
            this.set(read());
          },
        }
        : {}),
    });
  }

  /** Registers a gauge whose last set value is kept here too, so its setter can read it back. */
  settable(name: string, help: string): SettableGauge {
    let value = 0;
    this.gauge(name, help, () => value);
    return {
      set(next) {
        value = next;
      },
      get: () => value,
    };
  }

  /** A counter whose value is read from elsewhere at each scrape (another process's count). */
  counterCollected(
    name: string,
    help: string,
    collect: (this: client.Counter<string>) => Promise<void>,
  ): Counter {
    return new Counter({ name, help, registers: [this.prom], collect });
  }

  /** A gauge whose value is read at each scrape, asynchronously. */
  gaugeCollected(
    name: string,
    help: string,
    collect: (this: client.Gauge<string>) => Promise<void>,
  ): Gauge {
    return new Gauge({ name, help, registers: [this.prom], collect });
  }

  /** The whole exposition in the text format. */
  render(): Promise<string> {
    return this.prom.metrics();
  }
}

/** Content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = client.register.contentType;
