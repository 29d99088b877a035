#include "couriers/CourierRepository.h"

#include "couriers/Sql.h"
#include "util/Exceptions.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Transaction.h>
#include <Poco/String.h>

namespace courierd
{

using namespace sql::couriers;

using namespace Poco::Data::Keywords;

namespace
{

std::vector<Courier> readCouriers(Poco::Data::Statement& statement)
{
    Poco::Data::RecordSet rows(statement);
    std::vector<Courier> couriers;
    for (std::size_t row = 0; row < rows.rowCount(); ++row)
    {
        Courier courier;
        courier.id = rows.value(0, row).convert<Poco::Int64>();
        courier.name = rows.value(1, row).convert<std::string>();
        courier.phone = rows.value(2, row).convert<std::string>();
        courier.status = parseCourierStatus(rows.value(3, row).convert<std::string>()).value();
        courier.transport = parseTransport(rows.value(4, row).convert<std::string>()).value();
        courier.deliveryCount = rows.value(5, row).convert<Poco::Int64>();
        if (!rows.isNull(6, row))
            courier.activeOrderId = rows.value(6, row).convert<std::string>();
        if (!rows.isNull(7, row))
            courier.busyUntil = Poco::Timestamp(rows.value(7, row).convert<Poco::Int64>());
        if (!rows.isNull(8, row))
            courier.activeSource = rows.value(8, row).convert<std::string>();
        couriers.push_back(std::move(courier));
    }
    return couriers;
}

} // namespace

CourierRepository::CourierRepository(Database& database)
    : _database(database)
{
}

Courier CourierRepository::create(const NewCourier& input)
{
    std::string name = checkedName(input.name);
    std::string phone = checkedPhone(input.phone);
    std::string status(toString(checkedStatus(input.status)));
    std::string transport(toString(checkedTransport(input.transport)));

    auto session = _database.session();
    Poco::Data::Statement insert(session);
    insert << CREATE_COURIER, use(name), use(phone), use(status), use(transport);
    insert.execute();
    return readCouriers(insert).at(0);
}

int CourierRepository::ensureDemoCouriers(int count)
{
    if (count <= 0)
        return 0;
    auto session = _database.session();
    Poco::Data::Transaction transaction(session);
    // One lock key for this one statement: two instances starting at once add each courier once.
    session << LOCK_DEMO_COURIERS, now;
    int added = 0;
    session << ADD_DEMO_COURIERS, use(count), into(added), now;
    transaction.commit();
    return added;
}

Courier CourierRepository::update(Poco::Int64 id, const CourierChanges& changes)
{
    auto session = _database.session();
    Poco::Data::Transaction transaction(session);

    Poco::Data::Statement select(session);
    select << LOCK_COURIER, use(id);
    select.execute();
    auto found = readCouriers(select);
    if (found.empty())
        throw Poco::NotFoundException("courier " + std::to_string(id));
    Courier courier = found.front();

    if (changes.name)
        courier.name = checkedName(*changes.name);
    if (changes.phone)
        courier.phone = checkedPhone(*changes.phone);
    if (changes.transport)
        courier.transport = checkedTransport(*changes.transport);
    if (changes.status)
    {
        const CourierStatus status = checkedStatus(*changes.status);
        if (courier.status == CourierStatus::Busy)
            throw ConflictException("courier " + std::to_string(id) + " is busy with order " +
                                    courier.activeOrderId.value_or("?") + " of source " +
                                    courier.activeSource.value_or("?") +
                                    "; its status can change once that delivery ends");
        courier.status = status;
    }

    std::string status(toString(courier.status));
    std::string transport(toString(courier.transport));
    Poco::Data::Statement write(session);
    write << UPDATE_COURIER, use(id), use(courier.name), use(courier.phone), use(status),
        use(transport);
    write.execute();
    Courier stored = readCouriers(write).at(0);
    transaction.commit();
    return stored;
}

std::optional<Courier> CourierRepository::get(Poco::Int64 id)
{
    auto session = _database.session();
    Poco::Data::Statement select(session);
    select << COURIER, use(id);
    select.execute();
    auto found = readCouriers(select);
    if (found.empty())
        return std::nullopt;
    return found.front();
}

std::vector<Courier> CourierRepository::list(std::optional<CourierStatus> status)
{
    auto session = _database.session();
    Poco::Data::Statement select(session);
    std::string wanted(status ? toString(*status) : "");
    if (status)
        select << COURIERS_WITH_STATUS, use(wanted);
    else
        select << COURIERS;
    select.execute();
    return readCouriers(select);
}

std::map<std::string, Poco::Int64> CourierRepository::countByStatus()
{
    std::map<std::string, Poco::Int64> counts;
    for (const auto status : {CourierStatus::Available, CourierStatus::Busy, CourierStatus::Paused})
        counts[std::string(toString(status))] = 0;
    std::vector<std::string> statuses;
    std::vector<Poco::Int64> rows;
    auto session = _database.session();
    session << COURIERS_BY_STATUS, into(statuses), into(rows), now;
    for (std::size_t i = 0; i < statuses.size(); ++i)
        counts[statuses[i]] = rows[i];
    return counts;
}

} // namespace courierd
