-- Log database, version 2: one row per failed attempt the relay retried (aiproxy's RetryLog).
-- Same columns as logs, retry_times being the index of the attempt (0 = the first).
CREATE TABLE retry_logs (
    id {{ID}},
    request_id TEXT NOT NULL,
    request_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    ttfb_ms BIGINT NOT NULL DEFAULT 0,
    latency_ms BIGINT NOT NULL DEFAULT 0,
    group_id TEXT NOT NULL DEFAULT '',
    token_id BIGINT NOT NULL DEFAULT 0,
    token_name TEXT NOT NULL DEFAULT '',
    channel_id BIGINT NOT NULL DEFAULT 0,
    model TEXT NOT NULL DEFAULT '',
    mode INTEGER NOT NULL DEFAULT 0,
    endpoint TEXT NOT NULL DEFAULT '',
    stream INTEGER NOT NULL DEFAULT 0,
    code INTEGER NOT NULL DEFAULT 0,
    content TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    retry_times INTEGER NOT NULL DEFAULT 0,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens BIGINT NOT NULL DEFAULT 0,
    cached_tokens BIGINT NOT NULL DEFAULT 0,
    cache_creation_tokens BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens BIGINT NOT NULL DEFAULT 0,
    usage_source TEXT NOT NULL DEFAULT '',
    upstream_id TEXT NOT NULL DEFAULT '',
    end_user TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_retry_logs_request_at ON retry_logs (request_at);
CREATE INDEX idx_retry_logs_request_id ON retry_logs (request_id);
