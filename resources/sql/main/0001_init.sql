-- Main database, version 1. Placeholders: {{ID}} auto-increment primary key, {{REAL}} floating point.
CREATE TABLE channels (
    id {{ID}},
    type INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    key TEXT NOT NULL DEFAULT '',
    base_url TEXT NOT NULL DEFAULT '',
    proxy_url TEXT NOT NULL DEFAULT '',
    models TEXT NOT NULL DEFAULT '[]',
    model_mapping TEXT NOT NULL DEFAULT '{}',
    status INTEGER NOT NULL DEFAULT 1,
    priority INTEGER NOT NULL DEFAULT 0,
    balance {{REAL}} NOT NULL DEFAULT 0,
    balance_threshold {{REAL}} NOT NULL DEFAULT 0,
    balance_updated_at BIGINT NOT NULL DEFAULT 0,
    enabled_auto_balance_check INTEGER NOT NULL DEFAULT 0,
    skip_tls_verify INTEGER NOT NULL DEFAULT 0,
    enabled_no_permission_ban INTEGER NOT NULL DEFAULT 0,
    warn_error_rate {{REAL}} NOT NULL DEFAULT 0,
    max_error_rate {{REAL}} NOT NULL DEFAULT 0,
    configs TEXT NOT NULL DEFAULT '{}',
    sets TEXT NOT NULL DEFAULT '[]',
    used_amount {{REAL}} NOT NULL DEFAULT 0,
    request_count BIGINT NOT NULL DEFAULT 0,
    retry_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX idx_channels_type ON channels (type);
CREATE TABLE tenant_groups (
    id TEXT PRIMARY KEY,
    status INTEGER NOT NULL DEFAULT 1,
    rpm_ratio {{REAL}} NOT NULL DEFAULT 1,
    tpm_ratio {{REAL}} NOT NULL DEFAULT 1,
    used_amount {{REAL}} NOT NULL DEFAULT 0,
    request_count BIGINT NOT NULL DEFAULT 0,
    available_sets TEXT NOT NULL DEFAULT '[]',
    balance_alert_enabled INTEGER NOT NULL DEFAULT 0,
    balance_alert_threshold {{REAL}} NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE tokens (
    id {{ID}},
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    group_id TEXT NOT NULL,
    subnets TEXT NOT NULL DEFAULT '[]',
    models TEXT NOT NULL DEFAULT '[]',
    status INTEGER NOT NULL DEFAULT 1,
    quota {{REAL}} NOT NULL DEFAULT 0,
    period_quota {{REAL}} NOT NULL DEFAULT 0,
    period_type TEXT NOT NULL DEFAULT '',
    period_last_update_time BIGINT NOT NULL DEFAULT 0,
    period_last_update_amount {{REAL}} NOT NULL DEFAULT 0,
    used_amount {{REAL}} NOT NULL DEFAULT 0,
    request_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL DEFAULT 0,
    accessed_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (group_id, name)
);
CREATE INDEX idx_tokens_group ON tokens (group_id);
CREATE TABLE model_configs (
    model TEXT PRIMARY KEY,
    owner TEXT NOT NULL DEFAULT '',
    type INTEGER NOT NULL DEFAULT 0,
    rpm BIGINT NOT NULL DEFAULT 0,
    tpm BIGINT NOT NULL DEFAULT 0,
    retry_times INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE options (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL DEFAULT ''
);
