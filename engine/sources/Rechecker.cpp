#include "sources/Rechecker.h"

#include "courierd/Utf8.h"

#include <map>
#include <set>

namespace courierd
{

Rechecker::Rechecker(std::string name, Source& source, Duration interval, std::size_t batch,
                     RecheckRows& rows, SourceMetrics& metrics, Poco::Logger& logger,
                     const Clock& clock)
    : _name(std::move(name))
    , _source(source)
    , _interval(interval)
    , _batch(batch)
    , _rows(rows)
    , _metrics(metrics)
    , _logger(logger)
    , _clock(clock)
    , _enabled(interval.count() > 0 && batch > 0 && source.rechecks())
    , _next(clock.now())
{
}

bool Rechecker::step()
{
    if (!_enabled || _clock.now() < _next)
        return false;
    _next = _clock.now() + _interval.count() * 1000;
    try
    {
        recheck();
        if (_failing)
            _logger.information("source %s: rechecks succeed again", _name);
        _failing = false;
    }
    catch (const std::exception& e)
    {
        const Poco::Exception* poco = dynamic_cast<const Poco::Exception*>(&e);
        if (!_failing)
            _logger.warning("source %s: recheck of running deliveries failed (%s); nothing "
                            "changed, asking again in %s",
                            _name, clipped(poco ? poco->displayText() : e.what(), 500),
                            formatDuration(_interval));
        _failing = true;
    }
    return true;
}

void Rechecker::recheck()
{
    const std::vector<RecheckQuery> asked = _rows.runningDeliveries(_name, _batch);
    if (asked.empty())
        return;
    std::vector<RecheckAnswer> answers;
    try
    {
        answers = _source.recheck(asked);
    }
    catch (...)
    {
        _metrics.rechecked(_name, "error", asked.size());
        throw;
    }

    // The answer is the plugin's, and outside input: one verdict per asked order, the first.
    std::map<std::string, RecheckAnswer> byId;
    for (const auto& query : asked)
        byId.emplace(query.id, RecheckAnswer{query.id, Fate::Unknown, "no answer"});
    std::set<std::string> answered;
    std::size_t strays = 0;
    for (auto& answer : answers)
    {
        const auto it = byId.find(answer.id);
        if (it == byId.end() || !answered.insert(answer.id).second)
        {
            ++strays;
            continue;
        }
        answer.reason = escapeUnstorable(clipped(answer.reason, 200));
        it->second = std::move(answer);
    }
    if (strays > 0)
        _logger.warning("source %s: the recheck answered %z time(s) about orders it was not "
                        "asked about, or twice; those answers were ignored",
                        _name, strays);

    std::vector<RecheckAnswer> verdicts;
    std::map<Fate, std::size_t> counts;
    for (auto& [id, answer] : byId)
    {
        ++counts[answer.fate];
        verdicts.push_back(std::move(answer));
    }
    for (const auto& [fate, count] : counts)
        _metrics.rechecked(_name, fateName(fate), count);

    const std::vector<RecheckAnswer> ended = _rows.apply(_name, verdicts);
    std::size_t canceled = 0;
    for (const auto& answer : ended)
        canceled += answer.fate == Fate::Canceled;
    if (canceled > 0)
        _metrics.deliveriesEnded(_name, "canceled_at_source", canceled);
    if (ended.size() > canceled)
        _metrics.deliveriesEnded(_name, "gone_at_source", ended.size() - canceled);
    if (!ended.empty())
        _logger.information("source %s: recheck of %z running deliveries: %z ended, their "
                            "couriers free again (%z canceled at the source, %z gone from it; "
                            "first: %s, %s)",
                            _name, asked.size(), ended.size(), canceled, ended.size() - canceled,
                            ended.front().id, ended.front().reason);
}

} // namespace courierd
