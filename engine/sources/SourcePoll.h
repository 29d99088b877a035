#pragma once

#include "courierd/Source.h"
#include "sources/PollStore.h"
#include "sources/SourceLease.h"
#include "sources/TickLog.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <atomic>
#include <functional>
#include <string>

namespace courierd
{

/// One poll of one source: take or renew the lease → read the cursor → fetch, streamed (more
/// pages while the plugin says more is ready), each part and then the batch with its cursor
/// ingested in a fenced transaction of its own → wake the pipeline after rows are stored. It
/// never throws: what happened becomes its Outcome, and the TickLog says what changed.
class SourcePoll
{
public:
    /// How a poll ended: `ok`, `error` (with `error`, logged at `priority`), or `standby`
    /// (another instance holds the lease, or took it meanwhile); and what it stored.
    struct Outcome
    {
        std::string outcome = "ok";
        std::string error;
        Poco::Message::Priority priority = Poco::Message::PRIO_ERROR;
        IngestResult stored;
    };

    /// Polls `source` (named `name`, its records' `created_at` bounded by `maxClockSkew`)
    /// into `store` under `lease`. `wake` is called after an ingest that stored rows;
    /// `stopping` ends a streamed answer early, leaving the rest for the next poll.
    SourcePoll(std::string name, Source& source, Duration maxClockSkew, PollStore& store,
               SourceLease& lease, TickLog& log, std::function<void()> wake,
               const std::atomic<bool>& stopping, Poco::Logger& logger);

    Outcome run();

private:
    // Under the held lease: cursor → stream → ingest, until the plugin has no more.
    void poll(IngestResult& stored);

    std::string _name;
    Source& _source;
    Duration _maxClockSkew;
    PollStore& _store;
    SourceLease& _lease;
    TickLog& _log;
    std::function<void()> _wake;
    const std::atomic<bool>& _stopping;
    Poco::Logger& _logger;
};

} // namespace courierd
