import type { AbSummary } from './ab-summary.js';
import type { DriftMonitor } from './drift-monitor.js';

/** What the monitoring API reads: drift readings and the live A/B summary, both from the grade log. */
export interface MonitoringDeps {
  drift: DriftMonitor;
  /** The A/B and shadow summary, of grades since an ISO time when given. */
  ab: (since?: string) => Promise<AbSummary>;
}
