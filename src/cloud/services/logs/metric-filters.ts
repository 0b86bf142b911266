/**
 * TestMetricFilter: a filter pattern tried on sample messages, the check consoles and IaC tools run
 * before saving a metric filter. Metric filters themselves are not stored (no PutMetricFilter).
 */
import type {
  MetricFilterMatchRecord,
  TestMetricFilterRequest,
  TestMetricFilterResponse,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Handler } from '../../service.js';
import { compileFilterPattern } from './filter-pattern.js';

export function metricFilterHandlers(): Record<string, Handler> {
  return {
    TestMetricFilter(input: TestMetricFilterRequest): TestMetricFilterResponse {
      const matches = compileFilterPattern(input.filterPattern);
      const records: MetricFilterMatchRecord[] = [];
      (input.logEventMessages ?? []).forEach((eventMessage, i) => {
        // Numbered from 1, as the console lists them; values are extracted only by the space-delimited
        // patterns, which this cloud does not support, so there are none.
        if (matches(eventMessage)) records.push({ eventNumber: i + 1, eventMessage, extractedValues: {} });
      });
      return { matches: records };
    },
  };
}
