#include "store/Database.h"

#include "store/Sql.h"
#include "util/Exceptions.h"

#include <Poco/Data/PooledSessionImpl.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <libpq-fe.h>
#include <mutex>
#include <poll.h>

namespace courierd
{

namespace
{

const std::string CONNECTOR = "postgresql";
constexpr int POOL_IDLE_SECONDS = 60;

void registerConnector()
{
    static std::once_flag once;
    std::call_once(once, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
}

// The Database whose reserved sessions this thread uses; compared, never dereferenced.
thread_local const Database* reservedFor = nullptr;

} // namespace

Database::Database(const StoreConfig& config, int reserved)
    : _config(config)
    , _target(ConnectionString::parse(config.url, config.connectTimeout, config.password))
{
    registerConnector();
    _pool = std::make_unique<Poco::Data::SessionPool>(CONNECTOR, _target.forDriver(), 1,
                                                      config.poolSize, POOL_IDLE_SECONDS);
    if (reserved > 0)
        _reserved = std::make_unique<Poco::Data::SessionPool>(CONNECTOR, _target.forDriver(), 1,
                                                              reserved, POOL_IDLE_SECONDS);
}

Database::~Database()
{
    for (auto* pool : {_pool.get(), _reserved.get()})
        if (pool)
            pool->shutdown();
}

void Database::reserveThisThread() const
{
    reservedFor = this;
}

void Database::fail(const std::string& what, const Poco::Exception& cause) const
{
    std::string why = redact(cause.message().empty() ? cause.displayText() : cause.message());
    while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
        why.pop_back();
    std::replace(why.begin(), why.end(), '\n', ' ');
    std::replace(why.begin(), why.end(), '\t', ' ');
    throw StoreException(what + " (" + description() + "): " + why);
}

std::string Database::explain(const std::string& text) const
{
    std::string out = redact(text);
    // 26000 at execution; at prepare time (a describe on another server connection) the
    // driver's error carries no state, only the server's text.
    if (out.find("State: 26000") != std::string::npos ||
        (out.find("prepared statement \"") != std::string::npos &&
         out.find("\" does not exist") != std::string::npos))
        out += " (courierd's PostgreSQL driver prepares every statement, which a pooler in "
               "transaction or statement mode cannot carry between server connections: run "
               "PgBouncer with pool_mode = session; see the README)";
    return out;
}

void Database::verify()
{
    session();
}

Database::PoolUse Database::poolUse() const
{
    PoolUse use{_pool->used(), _pool->idle()};
    if (_reserved)
    {
        use.inUse += _reserved->used();
        use.idle += _reserved->idle();
    }
    return use;
}

std::string Database::ping()
{
    try
    {
        auto pooled = session();
        int one = 0;
        pooled << sql::store::PING, Poco::Data::Keywords::into(one), Poco::Data::Keywords::now;
        return {};
    }
    catch (const StoreException& e)
    {
        return e.message(); // redacted already
    }
    catch (const Poco::Exception& e)
    {
        return redact(e.displayText());
    }
}

namespace
{

// POCO keeps PooledSessionImpl::impl() protected; a pointer to it through a subclass reaches it.
struct PooledPeek : Poco::Data::PooledSessionImpl
{
    static Poco::Data::SessionImpl* inner(Poco::Data::SessionImpl* pooled)
    {
        auto* impl = dynamic_cast<Poco::Data::PooledSessionImpl*>(pooled);
        return impl ? (impl->*&PooledPeek::impl)() : pooled;
    }
};

// Whether an idle pooled connection was closed by the server (a restart, a failover,
// pg_terminate_backend, an idle timeout), and if so closes it on this side too, so that POCO's
// pool discards it. libpq notices a server's goodbye only when a statement fails, so without
// this check the first request after such an event failed. An idle connection of courierd's
// has nothing to read (it LISTENs to nothing); anything waiting on its socket is the server's
// FATAL message or the end of the stream. One poll(2), no round trip.
bool closedByServer(Poco::Data::Session& session)
{
    auto* impl =
        dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(PooledPeek::inner(session.impl()));
    if (!impl || !impl->isConnected())
        return false;
    PGconn* connection = impl->handle();
    pollfd socket{PQsocket(connection), POLLIN, 0};
    if (socket.fd >= 0 && PQstatus(connection) == CONNECTION_OK && ::poll(&socket, 1, 0) == 0)
        return false;
    impl->close();
    return true;
}

} // namespace

Poco::Data::Session Database::session()
{
    const bool reserved = _reserved && reservedFor == this;
    Poco::Data::SessionPool& pool = reserved ? *_reserved : *_pool;
    const Poco::Timestamp started;
    long pause = 1;
    for (int closed = 0;;)
    {
        try
        {
            Poco::Data::Session session = pool.get();
            // Every idle connection may have been closed at once: try them all, then a new one.
            if (closedByServer(session) && ++closed <= pool.capacity() + 1)
                continue;
            return session;
        }
        catch (const Poco::Data::SessionPoolExhaustedException& e)
        {
            // POCO's pool refuses at once when every session is out; wait for one to return.
            if (started.elapsed() > _config.connectTimeout.count() * 1000)
                fail("no free database session after " + formatDuration(_config.connectTimeout), e);
            Poco::Thread::sleep(pause);
            pause = std::min(pause * 2, 20L);
        }
        catch (const Poco::Exception& e)
        {
            fail("cannot connect to PostgreSQL", e);
        }
    }
}

Poco::Data::Session Database::connect()
{
    try
    {
        return Poco::Data::Session(CONNECTOR, _target.forDriver());
    }
    catch (const Poco::Exception& e)
    {
        fail("cannot connect to PostgreSQL", e);
    }
}

std::string textArray(const std::vector<std::string>& values)
{
    std::string out = "{";
    for (const auto& value : values)
    {
        if (out.size() > 1)
            out += ',';
        out += '"';
        for (const char c : value)
        {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

} // namespace courierd
