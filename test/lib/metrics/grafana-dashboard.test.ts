import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS, METRIC_NAMES } from '../../../lib/metrics/prometheus';
import { DAY_WINDOWS, TIME_WINDOWS } from '../../../lib/metrics/scrape-figures';

const FILE = path.resolve(import.meta.dirname, '../../../lib/metrics/grafana-dashboard.json');
type Panel = { id: number; title: string; targets: { expr: string }[] };

describe('the example Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as { uid: string; panels: Panel[] };
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

  it('queries only metrics /metrics exposes, with their labels and windows', () => {
    expect(dashboard.uid).toBeTruthy();
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const { panel, expr } of exprs) {
      const used = [...expr.matchAll(/\b(rollscope_[a-z_]+)(\{[^}]*\})?/g)];
      expect(used.length, panel).toBeGreaterThan(0);
      for (const [, name, selector] of used) {
        expect(METRIC_NAMES, `${panel}: ${name}`).toContain(name);
        const labels = METRICS.find((m) => m.name === name)!.labels;
        for (const [, label, value] of (selector ?? '').matchAll(/(\w+)="([^"]*)"/g)) {
          expect(labels, `${panel}: ${name} has no label ${label}`).toContain(label);
          if (label !== 'window') continue;
          const windows = name!.startsWith('rollscope_stage') || name!.startsWith('rollscope_rollout') ? DAY_WINDOWS : TIME_WINDOWS;
          expect(windows.map((w) => w.window), `${panel}: window ${value}`).toContain(value);
        }
      }
      for (const [, label] of expr.matchAll(/by \(([\w, ]+)\)/g)) {
        for (const l of label!.split(',').map((x) => x.trim())) expect(['stage', 'owner', 'team', 'status', 'job', 'window'], panel).toContain(l);
      }
    }
  });
});
