#include "couriers/CourierRepository.h"

#include "util/Exceptions.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Transaction.h>
#include <Poco/String.h>

namespace courierd
{

using namespace Poco::Data::Keywords;

namespace
{

const std::string COLUMNS =
    "id, name, phone, status, transport_type, delivery_count, active_order_id, "
    "(extract(epoch FROM busy_until) * 1000000)::bigint, active_source";

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
    insert << "INSERT INTO couriers (name, phone, status, transport_type) VALUES ($1, $2, $3, $4) "
              "RETURNING " +
                  COLUMNS,
        use(name), use(phone), use(status), use(transport);
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
    session << "SELECT pg_advisory_xact_lock(hashtext('courierd.demo_couriers'))", now;
    int added = 0;
    session << "WITH added AS ("
               "  INSERT INTO couriers (name, phone, status, transport_type)"
               "  SELECT 'demo courier ' || n, '+7 900 000-' || lpad(n::text, 4, '0'), 'available',"
               "         (ARRAY['on_foot', 'scooter', 'car'])[1 + (n - 1) % 3]"
               "  FROM generate_series(1, $1) AS n"
               "  WHERE NOT EXISTS (SELECT 1 FROM couriers WHERE name = 'demo courier ' || n)"
               "  RETURNING 1)"
               " SELECT count(*)::int FROM added",
        use(count), into(added), now;
    transaction.commit();
    return added;
}

Courier CourierRepository::update(Poco::Int64 id, const CourierChanges& changes)
{
    auto session = _database.session();
    Poco::Data::Transaction transaction(session);

    Poco::Data::Statement select(session);
    select << "SELECT " + COLUMNS + " FROM couriers WHERE id = $1 FOR UPDATE", use(id);
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
    write << "UPDATE couriers SET name = $2, phone = $3, status = $4, transport_type = $5, "
             "updated_at = now() WHERE id = $1 RETURNING " +
                 COLUMNS,
        use(id), use(courier.name), use(courier.phone), use(status), use(transport);
    write.execute();
    Courier stored = readCouriers(write).at(0);
    transaction.commit();
    return stored;
}

std::optional<Courier> CourierRepository::get(Poco::Int64 id)
{
    auto session = _database.session();
    Poco::Data::Statement select(session);
    select << "SELECT " + COLUMNS + " FROM couriers WHERE id = $1", use(id);
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
        select << "SELECT " + COLUMNS + " FROM couriers WHERE status = $1 ORDER BY id", use(wanted);
    else
        select << "SELECT " + COLUMNS + " FROM couriers ORDER BY id";
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
    session << "SELECT status, count(*) FROM couriers GROUP BY status", into(statuses), into(rows),
        now;
    for (std::size_t i = 0; i < statuses.size(); ++i)
        counts[statuses[i]] = rows[i];
    return counts;
}

} // namespace courierd
