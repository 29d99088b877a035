#include "sources/CursorStore.h"

#include "courierd/Utf8.h"
#include "sources/Sql.h"
#include "util/Exceptions.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Transaction.h>
#include <Poco/Nullable.h>

namespace courierd
{

using namespace sql::sources;

using namespace Poco::Data::Keywords;

namespace
{

void checkText(const char* what, const std::string& text, std::size_t max)
{
    if (text.size() > max)
        throw ValidationException(std::string(what) + ": " + std::to_string(text.size()) +
                                  " bytes, at most " + std::to_string(max));
    if (const auto bad = firstUnstorableByte(text))
        throw ValidationException(std::string(what) + ": byte " + std::to_string(*bad) +
                                  " is not UTF-8 text (or is a NUL): " + clipped(text, 60));
}

std::vector<CursorChange> readChanges(Poco::Data::Statement& statement)
{
    statement.execute();
    Poco::Data::RecordSet rows(statement);
    std::vector<CursorChange> changes;
    for (std::size_t row = 0; row < rows.rowCount(); ++row)
    {
        CursorChange change;
        change.id = rows.value(0, row).convert<Poco::Int64>();
        change.at = Poco::Timestamp(rows.value(1, row).convert<Poco::Int64>());
        if (!rows.isNull(2, row))
            change.previous = rows.value(2, row).convert<std::string>();
        change.cursor = rows.value(3, row).convert<std::string>();
        change.remote = rows.value(4, row).convert<std::string>();
        change.reason = rows.value(5, row).convert<std::string>();
        changes.push_back(std::move(change));
    }
    return changes;
}

} // namespace

CursorStore::CursorStore(Database& database)
    : _database(database)
{
}

std::optional<StoredCursor> CursorStore::read(const std::string& source)
{
    std::string name = source;
    std::vector<std::string> cursors;
    std::vector<Poco::Int64> versions, updated;
    auto session = _database.session();
    session << STORED_CURSOR, use(name), into(cursors), into(versions), into(updated), now;
    if (cursors.empty())
        return std::nullopt;
    return StoredCursor{cursors.front(), versions.front(), Poco::Timestamp(updated.front())};
}

std::optional<CursorChange> CursorStore::set(const std::string& source, const std::string& cursor,
                                             const std::string& remote, const std::string& reason)
{
    checkText("cursor", cursor, MAX_CURSOR_BYTES);
    checkText("reason", reason, MAX_REASON_BYTES);
    std::string name = source, value = cursor, from = clipped(remote, 200), why = reason;
    auto session = _database.session();
    Poco::Data::Transaction transaction(session);
    std::vector<int> paused;
    session << LOCK_PAUSED, use(name), into(paused), now;
    if (paused.empty() || paused.front() != 1)
        return std::nullopt; // the transaction rolls back
    std::vector<Poco::Int64> ids, at;
    std::vector<Poco::Nullable<std::string>> previous;
    session << SET_CURSOR, use(name), use(value), use(from), use(why), into(ids), into(at),
        into(previous), now;
    transaction.commit();
    CursorChange change{ids.front(), Poco::Timestamp(at.front()), std::nullopt, cursor, from,
                        reason};
    if (!previous.front().isNull())
        change.previous = previous.front().value();
    return change;
}

std::vector<CursorChange> CursorStore::history(const std::string& source, int limit,
                                               std::optional<Poco::Int64> before)
{
    std::string name = source;
    Poco::Int64 after = before.value_or(0);
    auto session = _database.session();
    Poco::Data::Statement select(session);
    if (before)
        select << HISTORY_AFTER, use(name), use(limit), use(after);
    else
        select << HISTORY, use(name), use(limit);
    return readChanges(select);
}

std::optional<CursorChange> CursorStore::change(const std::string& source, Poco::Int64 id)
{
    std::string name = source;
    auto session = _database.session();
    Poco::Data::Statement select(session);
    select << CHANGE, use(name), use(id);
    auto found = readChanges(select);
    if (found.empty())
        return std::nullopt;
    return found.front();
}

std::optional<Poco::Timestamp> CursorStore::retentionHorizon(const std::string& source)
{
    std::string name = source;
    std::vector<Poco::Int64> through;
    auto session = _database.session();
    session << RETENTION_HORIZON, use(name), into(through), now;
    if (through.empty())
        return std::nullopt;
    return Poco::Timestamp(through.front());
}

} // namespace courierd
