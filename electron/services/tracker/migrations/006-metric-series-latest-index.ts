// Migration 6: an index holding each series' latest value under (run, key), so that a run search
// testing or ordering by a metric reads it from the index alone. Through the (run, key) unique
// index each probe also read the metric_series row, scattered over the table's pages: for 10,000
// runs that was two thirds of the search. (Keyed by run first on purpose: an index led by the key
// let SQLite's planner drive the runs table's cell query from it, 100 times slower.)
export const metricSeriesLatestIndexSql = `
CREATE INDEX metric_series_latest ON metric_series (run_uuid, key, last_is_nan, last_value);
`;
