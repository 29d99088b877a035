// POCO 1.11's PostgreSQL connector leaks a libpq connection (PGconn) for every connection
// attempt that fails and for every pooled connection that breaks: SessionHandle::connect()
// throws without PQfinish(), and disconnect() calls PQfinish() only while the connection is
// still good. During a database outage courierd grew 3-6 MB a minute, never given back. POCO
// fixed both in 1.13 (pocoproject/poco#4231); Debian bookworm ships 1.11.
//
// These two definitions carry those fixes. The library calls both functions through its PLT,
// and engine/CMakeLists.txt exports them from every program that links the engine, so the
// dynamic linker binds every call, the library's own included, to these. They keep the
// library's contract: the same members, the same mutex, the same exceptions and messages.
// PostgresConnectorFixesTest checks that a failed or broken connection leaks nothing.
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/PostgreSQL/SessionHandle.h>
#include <Poco/Data/Session.h>

namespace Poco::Data::PostgreSQL
{

void SessionHandle::connect(const std::string& aConnectionString)
{
    Poco::FastMutex::ScopedLock lock(_sessionMutex);
    if (_pConnection && PQstatus(_pConnection) == CONNECTION_OK)
        throw ConnectionFailedException("Already Connected");
    if (_pConnection)
    {
        PQfinish(_pConnection); // a broken connection of an earlier attempt
        _pConnection = nullptr;
    }
    PGconn* connection = PQconnectdb(aConnectionString.c_str());
    if (PQstatus(connection) != CONNECTION_OK)
    {
        const std::string error = connection ? PQerrorMessage(connection) : "out of memory";
        PQfinish(connection);
        throw ConnectionFailedException("Connection Error: " + error);
    }
    _pConnection = connection;
    _connectionString = aConnectionString;
}

void SessionHandle::disconnect()
{
    Poco::FastMutex::ScopedLock lock(_sessionMutex);
    if (!_pConnection)
        return;
    PQfinish(_pConnection); // whatever its state: a broken connection holds memory too
    _pConnection = nullptr;
    _connectionString.clear();
    _inTransaction = false;
    _isAutoCommit = true;
    _isAsynchronousCommit = false;
    _tranactionIsolationLevel = Poco::Data::Session::TRANSACTION_READ_COMMITTED;
}

} // namespace Poco::Data::PostgreSQL
