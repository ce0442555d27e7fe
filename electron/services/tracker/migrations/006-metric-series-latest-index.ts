// Migration 6: an index holding each series' latest value under (key, run), so that a run search
// testing or ordering by a metric reads it from the index alone. Through the (run, key) unique index
// each run cost a second lookup into the metric_series table, scattered over its pages: for 10,000
// runs that was two thirds of the search.
export const metricSeriesLatestIndexSql = `
CREATE INDEX metric_series_latest ON metric_series (key, run_uuid, last_is_nan, last_value);
`;
