#include "sources/Rechecker.h"

#include "courierd/Utf8.h"

#include <algorithm>
#include <map>
#include <set>

namespace courierd
{

namespace
{

std::string messageOf(const std::exception& e)
{
    const auto* poco = dynamic_cast<const Poco::Exception*>(&e);
    return clipped(poco ? poco->displayText() : e.what(), 500);
}

// Why a waiting order the source no longer needs ends skipped; empty while it is needed.
std::string skipReason(const RecheckAnswer& answer)
{
    switch (answer.fate)
    {
    case Fate::NotNeeded:
        return (answer.reason.empty() ? std::string("not needed") : answer.reason) + " at recheck";
    case Fate::Canceled:
        return "canceled at source" + (answer.reason.empty() ? "" : ": " + answer.reason);
    case Fate::Gone:
        return "gone at source";
    case Fate::Needed:
    case Fate::Unknown:
        break;
    }
    return {};
}

} // namespace

Rechecker::Rechecker(std::string name, Source& source, Timing timing, RecheckRows& rows,
                     SourceMetrics& metrics, std::function<void()> wake, Poco::Logger& logger,
                     const Clock& clock)
    : _name(std::move(name))
    , _source(source)
    , _timing(timing)
    , _rows(rows)
    , _metrics(metrics)
    , _wake(std::move(wake))
    , _logger(logger)
    , _clock(clock)
{
    const bool can = timing.batch > 0 && source.rechecks();
    _waiting = {can && timing.after.count() > 0, clock.now(), false};
    // The first batch of running deliveries one interval after the start, not beside the first
    // poll (a backlog's drain).
    _running = {can && timing.interval.count() > 0, clock.now() + timing.interval.count() * 1000,
                false};
}

bool Rechecker::step()
{
    // The waiting first: an order held for its recheck waits for a courier until it is asked.
    const bool waiting = run(_waiting, WAITING_EVERY, &Rechecker::recheckWaiting);
    const bool running = run(_running, _timing.interval, &Rechecker::recheckRunning);
    return waiting || running;
}

bool Rechecker::run(Part& part, Duration every, void (Rechecker::*batch)())
{
    if (!part.enabled || _clock.now() < part.next)
        return false;
    part.next = _clock.now() + every.count() * 1000;
    const bool waiting = &part == &_waiting;
    try
    {
        (this->*batch)();
        if (part.failing)
            _logger.information("source %s: rechecks of %s succeed again", _name,
                                std::string(waiting ? "waiting orders" : "running deliveries"));
        part.failing = false;
    }
    catch (const std::exception& e)
    {
        if (!part.failing)
        {
            if (waiting)
                _logger.warning("source %s: recheck of waiting orders failed (%s); they are "
                                "assigned as before, and asked about again after %s",
                                _name, messageOf(e), formatDuration(_timing.after));
            else
                _logger.warning("source %s: recheck of running deliveries failed (%s); "
                                "nothing changed, asking again in %s",
                                _name, messageOf(e), formatDuration(_timing.interval));
        }
        part.failing = true;
    }
    return true;
}

std::vector<RecheckAnswer> Rechecker::ask(const std::vector<RecheckQuery>& asked, Part& part)
{
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
    const std::size_t unknown = counts[Fate::Unknown];
    if (unknown > 0 && !part.unsure)
    {
        const auto first =
            std::find_if(verdicts.begin(), verdicts.end(),
                         [](const auto& answer) { return answer.fate == Fate::Unknown; });
        const bool waiting = &part == &_waiting;
        _logger.warning(
            "source %s: the recheck could not tell about %z of %z %s (first: %s, "
            "%s); %s (said once, until a batch has none)",
            _name, unknown, asked.size(),
            std::string(waiting ? "waiting orders" : "running deliveries"), clipped(first->id),
            first->reason,
            std::string(waiting ? "they are assigned as before" : "their deliveries run on"));
    }
    part.unsure = unknown > 0;
    return verdicts;
}

void Rechecker::recheckWaiting()
{
    const std::vector<RecheckQuery> asked =
        _rows.waitingOrders(_name, _timing.after, _timing.batch);
    if (asked.empty())
        return;
    std::vector<RecheckAnswer> answers;
    try
    {
        answers = ask(asked, _waiting);
    }
    catch (const std::exception& e)
    {
        // Never held back more than this attempt: stamped, they are assigned as before.
        std::vector<RecheckRows::Settled> released;
        const std::string verdict = "error: " + escapeUnstorable(clipped(messageOf(e), 200));
        for (const auto& query : asked)
            released.push_back({query.id, verdict, {}});
        _rows.settleWaiting(_name, released);
        _wake();
        throw;
    }

    std::vector<RecheckRows::Settled> settled;
    std::map<std::string, const RecheckAnswer*> byId;
    for (const auto& answer : answers)
    {
        settled.push_back({answer.id, verdictOf(answer), skipReason(answer)});
        byId.emplace(answer.id, &answer);
    }
    const std::vector<std::string> skipped = _rows.settleWaiting(_name, settled);
    if (skipped.size() < settled.size())
        _wake();
    if (skipped.empty())
        return;
    std::map<Fate, std::size_t> counts;
    for (const auto& id : skipped)
        if (const auto it = byId.find(id); it != byId.end())
            ++counts[it->second->fate];
    const RecheckAnswer* first = byId.count(skipped.front()) ? byId[skipped.front()] : nullptr;
    _logger.information("source %s: recheck of %z orders waiting for a courier: %z skipped, "
                        "never assigned (%z canceled at the source, %z gone from it, %z no "
                        "longer needed; first: %s, %s)",
                        _name, asked.size(), skipped.size(), counts[Fate::Canceled],
                        counts[Fate::Gone], counts[Fate::NotNeeded], clipped(skipped.front()),
                        first ? skipReason(*first) : std::string());
}

void Rechecker::recheckRunning()
{
    const std::vector<RecheckQuery> asked = _rows.runningDeliveries(_name, _timing.batch);
    if (asked.empty())
        return;
    const std::vector<RecheckAnswer> verdicts = ask(asked, _running);
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
                            clipped(ended.front().id), ended.front().reason);
}

} // namespace courierd
