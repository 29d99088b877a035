#include "PostgresCluster.h"

#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/TemporaryFile.h>

#include <pwd.h>
#include <thread>
#include <unistd.h>

namespace courierd::test
{

namespace
{

std::string binary(const std::string& name)
{
    return "/usr/lib/postgresql/" + Poco::Environment::get("PGVERSION", "15") + "/bin/" + name;
}

// Runs a server program (as postgres when root) from /, since the current directory may be one
// postgres cannot enter (a clone in root's home, a mktemp -d): its standard output, or an
// exception naming it with what it wrote to stderr. Stderr is kept apart, so that a warning
// never becomes part of a value compared.
std::string run(const std::string& program, std::vector<std::string> args)
{
    std::string command = binary(program);
    if (getuid() == 0)
    {
        args.insert(args.begin(), {"-u", "postgres", "--", command});
        command = "/usr/sbin/runuser";
    }
    Poco::Pipe out, err;
    Poco::ProcessHandle process = Poco::Process::launch(command, args, "/", nullptr, &out, &err);
    std::string errors;
    // Read beside stdout, so that neither pipe fills while the other is read.
    std::thread reader(
        [&err, &errors]
        {
            Poco::PipeInputStream stream(err);
            Poco::StreamCopier::copyToString(stream, errors);
        });
    Poco::PipeInputStream stream(out);
    std::string output;
    Poco::StreamCopier::copyToString(stream, output);
    reader.join();
    const int code = process.wait();
    if (code != 0)
        throw Poco::RuntimeException(program + " failed (" + std::to_string(code) + "): " + output +
                                     errors);
    return Poco::trim(output);
}

unsigned short freePort()
{
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    return socket.address().port();
}

// A directory postgres may write to.
std::string ownDirectory()
{
    std::string path = Poco::TemporaryFile::tempName();
    Poco::File(path).createDirectories();
    if (getuid() == 0)
    {
        const passwd* postgres = getpwnam("postgres");
        if (!postgres || chown(path.c_str(), postgres->pw_uid, postgres->pw_gid) != 0)
            throw Poco::RuntimeException("cannot give " + path + " to the postgres user");
    }
    return path;
}

} // namespace

PostgresCluster::PostgresCluster(std::string root, unsigned short port)
    : _root(std::move(root))
    , _port(port)
{
}

std::unique_ptr<PostgresCluster> PostgresCluster::primary()
{
    std::unique_ptr<PostgresCluster> cluster(new PostgresCluster(ownDirectory(), freePort()));
    run("initdb", {"-D", cluster->_root + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8"});
    cluster->appendConfig("wal_level = replica\nmax_wal_senders = 4\nwal_keep_size = '256MB'\n"
                          "hot_standby = on\n");
    cluster->start();
    return cluster;
}

std::unique_ptr<PostgresCluster> PostgresCluster::standbyOf(PostgresCluster& primary,
                                                            bool synchronous)
{
    std::unique_ptr<PostgresCluster> standby(new PostgresCluster(ownDirectory(), freePort()));
    run("pg_basebackup", {"-h", "127.0.0.1", "-p", std::to_string(primary._port), "-U", "postgres",
                          "-D", standby->_root + "/data", "-R", "-X", "stream"});
    // cluster_name is the application_name the standby streams under. Once promoted, it must
    // not wait for a standby of its own.
    standby->appendConfig("cluster_name = 'standby'\nsynchronous_standby_names = ''\n");
    standby->start();
    if (synchronous)
    {
        primary.psql("ALTER SYSTEM SET synchronous_standby_names = 'standby'");
        primary.psql("SELECT pg_reload_conf()");
    }
    return standby;
}

PostgresCluster::~PostgresCluster()
{
    try
    {
        if (_running)
            stop();
    }
    catch (...)
    {
    }
    try
    {
        Poco::File(_root).remove(true);
    }
    catch (...)
    {
    }
}

std::string PostgresCluster::keyValue(const std::string& database) const
{
    return "host=127.0.0.1 port=" + std::to_string(_port) + " user=postgres dbname=" + database +
           " target_session_attrs=any";
}

std::string PostgresCluster::psql(const std::string& sql, const std::string& database) const
{
    return run("psql",
               {"-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", keyValue(database), "-c", sql});
}

void PostgresCluster::stop(const std::string& mode)
{
    run("pg_ctl", {"-D", _root + "/data", "-m", mode, "-w", "stop"});
    _running = false;
}

void PostgresCluster::promote()
{
    run("pg_ctl", {"-D", _root + "/data", "-w", "promote"});
}

void PostgresCluster::start()
{
    run("pg_ctl", {"-D", _root + "/data", "-l", _root + "/server.log", "-w", "-o",
                   "-p " + std::to_string(_port), "start"});
    _running = true;
}

void PostgresCluster::appendConfig(const std::string& lines) const
{
    // Through the tests' own file handle: the data directory is postgres's, writable to root.
    Poco::FileOutputStream out(_root + "/data/postgresql.conf", std::ios::app);
    out << "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" << _root
        << "'\nfsync = off\n"
        << lines;
}

} // namespace courierd::test
