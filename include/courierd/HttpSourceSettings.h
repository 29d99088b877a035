#pragma once

#include "courierd/ConfigMap.h"
#include "courierd/Duration.h"
#include "courierd/HttpClient.h"
#include "courierd/RecordSink.h"
#include "courierd/Reject.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace courierd
{

/// The keys every source that reads orders over HTTP has, meaning the same in each: how it
/// talks to the service (`timeout`, `retry_count`, `poll_timeout`, `max_response_bytes`) and how
/// it stores what it reads (`max_order_bytes`, `write_batch`, `write_batch_bytes`). A plugin
/// composes them into its own map, so that they are declared, limited and documented once:
///
/// ```
/// struct Settings { std::string baseUrl; courierd::HttpSourceSettings http; };
/// static const auto map = courierd::ConfigMap<Settings>()
///     .string("base_url", &Settings::baseUrl, "http://localhost:8080", "the service")
///     .include(&Settings::http, courierd::HttpSourceSettings::map());
/// ```
///
/// Header-only: nothing here is part of libcourierd-sdk's ABI.
struct HttpSourceSettings
{
    Duration timeout{};
    int retryCount = 0;
    Duration pollTimeout{}; ///< One request, its whole answer included.
    std::size_t maxResponseBytes = 0;
    std::size_t maxOrderBytes = 0;   ///< A larger order is rejected, cut to this size.
    std::size_t writeBatch = 0;      ///< Orders stored per transaction while reading an answer.
    std::size_t writeBatchBytes = 0; ///< Or sooner, once its orders hold this many bytes.

    static const ConfigMap<HttpSourceSettings>& map()
    {
        using namespace std::chrono_literals;
        using S = HttpSourceSettings;
        static const auto keys =
            ConfigMap<S>()
                .duration("timeout", &S::timeout, "3s", "time one HTTP attempt may take", 100ms,
                          300s)
                .integer("retry_count", &S::retryCount, "3", "retries of a failed request", 0, 10)
                .duration("poll_timeout", &S::pollTimeout, "10m",
                          "longest one request may take, its whole answer included; a source "
                          "that trickles bytes is cut off here",
                          1s, std::chrono::hours(24))
                .integer("max_response_bytes", &S::maxResponseBytes, "1073741824",
                         "largest answer accepted; a larger one fails the poll (answers are "
                         "streamed: this bounds the transfer, not memory)",
                         1024, 1LL << 40)
                .integer("max_order_bytes", &S::maxOrderBytes, "1048576",
                         "largest single order; a larger one is rejected, kept cut to this size",
                         256, 64 * 1024 * 1024)
                .integer("write_batch", &S::writeBatch, "1000",
                         "orders stored per transaction while an answer is still being read", 1,
                         100000)
                .integer("write_batch_bytes", &S::writeBatchBytes, "4194304",
                         "bytes of orders stored per transaction while an answer is still being "
                         "read (a part is stored when it reaches write_batch orders or this many "
                         "bytes)",
                         1024, 64 * 1024 * 1024);
        return keys;
    }

    /// The client's options for `baseUrl`: retries end within `budget` (the source's interval,
    /// so that polls never pile up behind a failing service).
    HttpClientOptions client(std::string baseUrl, Duration budget) const
    {
        HttpClientOptions options;
        options.baseUrl = std::move(baseUrl);
        options.timeout = timeout;
        options.retryCount = retryCount;
        options.maxResponseBytes = maxResponseBytes;
        options.deadline = pollTimeout;
        options.budget = budget;
        return options;
    }

    /// What a stream() keeps of an answer before it is stored: parts of write_batch orders or
    /// write_batch_bytes, into `sink` (or all of it, without one).
    PendingParts parts(RecordSink* sink) const
    {
        return PendingParts(sink, writeBatch, writeBatchBytes);
    }

    /// The reject of an order JsonArrayReader cut at max_order_bytes: `element` is what it kept
    /// of the `bytes` the order had.
    Reject oversized(std::string_view element, std::size_t bytes) const
    {
        const std::string limit = std::to_string(maxOrderBytes);
        return Reject{"", std::string(element),
                      "order of " + std::to_string(bytes) + " bytes is larger than " +
                          "max_order_bytes (" + limit + "); only its first " + limit +
                          " bytes are kept"};
    }
};

} // namespace courierd
