#include "ledger/Retention.h"

#include "ledger/Sql.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Transaction.h>

namespace courierd
{

using namespace sql::ledger;

using namespace Poco::Data::Keywords;

Retention::Retention(Database& database, RetentionConfig config, Poco::Logger& logger,
                     metrics::Registry& metrics)
    : _database(database)
    , _logger(logger)
    , _deleted(metrics.counter("courierd_retention_deleted_total",
                               "Rows deleted by retention (retention.inbox, .deliveries, .replays, "
                               ".cursor_history)",
                               {"table"}))
    , _config(config)
    , _threads("retention", 1, 1)
{
    for (const char* table : {"inbox", "deliveries", "replays", "cursor_history"})
        _deleted.with({table});
}

Retention::~Retention()
{
    stop();
}

void Retention::start()
{
    _stopping = false;
    const long every = static_cast<long>(_config.interval.count());
    _timer = std::make_unique<Poco::Timer>(every, every);
    _timer->start(Poco::TimerCallback<Retention>(*this, &Retention::onTimer), _threads);
}

void Retention::stop()
{
    _stopping = true;
    if (_timer)
        _timer->stop();
    _timer.reset();
}

void Retention::setConfig(const RetentionConfig& config)
{
    {
        std::lock_guard lock(_mutex);
        _config = config;
    }
    if (_timer)
        _timer->setPeriodicInterval(static_cast<long>(config.interval.count()));
}

std::optional<int> Retention::batch(const std::string& statement, Duration age)
{
    Poco::Int64 ms = age.count();
    int limit = BATCH;
    auto session = _database.session();
    Poco::Data::Transaction transaction(session);
    int locked = 0;
    session << RETENTION_LOCK, into(locked), now;
    if (locked != 1)
        return std::nullopt;
    int deleted = 0;
    session << statement, use(ms), use(limit), into(deleted), now;
    transaction.commit();
    return deleted;
}

Retention::Swept Retention::sweep()
{
    RetentionConfig config;
    {
        std::lock_guard lock(_mutex);
        config = _config;
    }
    Swept swept;
    const auto table =
        [&](const std::string& statement, Duration age, Poco::Int64& total, const char* name)
    {
        if (age.count() <= 0 || swept.skipped)
            return;
        for (int n = 0; n < MAX_BATCHES && !_stopping; ++n)
        {
            const auto deleted = batch(statement, age);
            if (!deleted)
            {
                swept.skipped = true;
                return;
            }
            total += *deleted;
            _deleted.with({name}).inc(*deleted);
            if (*deleted < BATCH)
                return;
        }
    };
    table(RETENTION_INBOX, config.inbox, swept.inbox, "inbox");
    table(RETENTION_DELIVERIES, config.deliveries, swept.deliveries, "deliveries");
    table(RETENTION_REPLAYS, config.replays, swept.replays, "replays");
    table(RETENTION_CURSOR_HISTORY, config.cursorHistory, swept.cursorHistory, "cursor_history");
    table(RETENTION_UNASSIGNMENTS, config.cursorHistory, swept.cursorHistory, "unassignments");
    return swept;
}

void Retention::onTimer(Poco::Timer&)
{
    try
    {
        const Swept swept = sweep();
        if (swept.inbox > 0 || swept.deliveries > 0 || swept.replays > 0 || swept.cursorHistory > 0)
            _logger.information(
                "retention: %Ld inbox row(s), %Ld delivery(ies), %Ld replay(s) "
                "and %Ld entries of the operators' history (cursor changes, unassigns) deleted",
                swept.inbox, swept.deliveries, swept.replays, swept.cursorHistory);
        if (_failing)
            _logger.information("retention: sweeping again");
        _failing = false;
    }
    catch (const Poco::Exception& e)
    {
        if (!_failing)
            _logger.error("retention: %s (tried again every interval; said once)",
                          _database.explain(e.displayText()));
        _failing = true;
    }
}

} // namespace courierd
