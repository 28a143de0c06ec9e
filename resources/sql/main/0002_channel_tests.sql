-- Main database, version 2: the last test of each (channel, model) (aiproxy's ChannelTest).
CREATE TABLE channel_tests (
    channel_id BIGINT NOT NULL,
    model TEXT NOT NULL,
    actual_model TEXT NOT NULL DEFAULT '',
    channel_name TEXT NOT NULL DEFAULT '',
    channel_type INTEGER NOT NULL DEFAULT 0,
    mode INTEGER NOT NULL DEFAULT 0,
    success INTEGER NOT NULL DEFAULT 0,
    code INTEGER NOT NULL DEFAULT 0,
    response TEXT NOT NULL DEFAULT '',
    took_ms BIGINT NOT NULL DEFAULT 0,
    test_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, model)
);
