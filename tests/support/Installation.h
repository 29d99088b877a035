#pragma once

#include "DaemonProcess.h"
#include "FakeServiceOrder.h"
#include "TestDatabase.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace courierd::test
{

/// How many deliveries there are.
extern const std::string DELIVERIES;

/// Nothing half-done: counts assigned inbox rows without their delivery plus deliveries
/// without an assigned inbox row (0 when every assignment was all-or-nothing).
extern const std::string HALF_DONE;

/// The plugin that reads the fake service-order as source `orders`.
enum class Reader
{
    ServiceOrder,
    HttpJson, ///< configured for service-order's contract (HTTP_JSON_AS_SERVICE_ORDER)
};

/// The keys of a section that make the http-json plugin read service-order's contract.
extern const std::string HTTP_JSON_AS_SERVICE_ORDER;

/// The real courierd against a throw-away database (migrated, with `couriers` couriers) and a
/// fake service-order, through a config file: source `orders` (read by `reader`) every 200ms,
/// admin on a free port, plus `extra` config text.
class Installation
{
public:
    explicit Installation(int couriers, const std::string& extra = "",
                          Reader reader = Reader::ServiceOrder);
    ~Installation();

    /// Writes the config file again, with `extra` in place of the constructor's and the source
    /// (`orders`, or `source`) polled every `interval` (for a reload).
    void rewrite(const std::string& extra, const std::string& interval = "200ms",
                 const std::string& source = "orders");

    /// Starts a courierd and waits for `courierd ready`; `args` are added to its command line.
    std::unique_ptr<DaemonProcess> start(const std::vector<std::string>& args = {});

    /// SIGTERMs every daemon, then waits for each: true when all exited 0 within 30s.
    static bool stopAll(std::initializer_list<DaemonProcess*> daemons);

    /// The admin endpoint's port, from the daemon's log.
    static unsigned short adminPort(const DaemonProcess& daemon);

    /// Source `name` as `GET /api/v1/sources` on `port` shows it.
    static Poco::JSON::Object::Ptr sourceStatus(unsigned short port, const std::string& name);

    /// Its `last_error`, empty when null.
    static std::string lastError(unsigned short port, const std::string& name);

    Poco::Int64 count(const std::string& sql) const { return _db.scalar(sql); }

    /// Waits (bounded) until `sql` counts `wanted`.
    bool reaches(const std::string& sql, Poco::Int64 wanted,
                 std::chrono::milliseconds limit = std::chrono::seconds(60));

    /// Invariants 2 and 3 (see Invariants.h), as lines; empty when they hold.
    std::vector<std::string> violated();

    /// At the end of a scenario, with couriers enough: invariants 2 and 3, nothing half-done
    /// (HALF_DONE), plus 1 (every
    /// order the fake holds at or before the source's stored watermark is in the inbox) and 4
    /// (no row is left pending or failed). Empty when all hold.
    std::vector<std::string> violatedAtRest();

    const TestDatabase& db() const { return _db; }
    const std::string& configPath() const { return _config; }

    FakeServiceOrder fake;

private:
    TestDatabase _db;
    std::string _config;
    Reader _reader;
};

} // namespace courierd::test
