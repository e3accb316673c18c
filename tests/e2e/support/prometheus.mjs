// Reads the Prometheus text exposition format (0.0.4) that chorusd serves at /metrics.

// Every sample as { name, labels: {key: value}, value }.
export function parseSamples(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels = {};
    const labelPairs = (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g);
    for (const [, key, value] of labelPairs) {
      labels[key] = value.replace(/\\(["\\n])/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

// The sum of the samples named `name` whose labels include `labels`; undefined if there is none.
export function sampleValue(samples, name, labels = {}) {
  const matching = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}

// The samples whose name starts with one of `prefixes` and whose value is not zero, one a line,
// for failure messages.
export function describeNonZero(samples, prefixes) {
  return samples
    .filter((s) => s.value !== 0 && prefixes.some((prefix) => s.name.startsWith(prefix)))
    .map((s) => {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      return `  ${s.name}${labels ? `{${labels}}` : ''} ${s.value}`;
    })
    .join('\n');
}
