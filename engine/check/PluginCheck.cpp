#include "check/PluginCheck.h"

#include "check/FaultProxy.h"
#include "config/EngineConfig.h"
#include "courierd/Exceptions.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "sources/SourceCatalog.h"
#include "util/Names.h"

#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/Thread.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <ext/stdio_filebuf.h>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <poll.h>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace courierd::check
{

namespace
{

using Clock = std::chrono::steady_clock;

// A program started before the checks: it prints the URL the plugin is to read (its first
// line on stdout) and, for each line `seed N` on its stdin, makes N new records at the source,
// created now, and prints their ids on one line, separated by spaces. Its stdin closing tells
// it to end.
class FakeSource
{
public:
    explicit FakeSource(const std::vector<std::string>& command)
        : _handle(Poco::Process::launch(
              command.front(), std::vector<std::string>(command.begin() + 1, command.end()), &_in,
              &_out, nullptr))
        , _command(command.front())
    {
        _url = line("its URL");
    }

    ~FakeSource()
    {
        _in.close(Poco::Pipe::CLOSE_WRITE);
        for (int i = 0; i < 100 && Poco::Process::isRunning(_handle); ++i)
            Poco::Thread::sleep(50);
        if (Poco::Process::isRunning(_handle))
            Poco::Process::kill(_handle);
        _handle.wait();
    }

    const std::string& url() const { return _url; }

    /// Kills it at once (the run is ending without destructors).
    void kill() { Poco::Process::kill(_handle); }

    std::vector<std::string> seed(int count)
    {
        const std::string request = "seed " + std::to_string(count) + "\n";
        if (_in.writeBytes(request.data(), static_cast<int>(request.size())) !=
            static_cast<int>(request.size()))
            throw Poco::IOException(_command + ": its stdin is closed");
        std::istringstream ids(line("the ids it seeded"));
        std::vector<std::string> out;
        for (std::string id; ids >> id;)
            out.push_back(id);
        if (out.size() != static_cast<std::size_t>(count))
            throw Poco::DataException(_command + ": asked for " + std::to_string(count) +
                                      " records, it named " + std::to_string(out.size()));
        return out;
    }

private:
    // One line of its stdout, within 30 s.
    std::string line(const std::string& what)
    {
        std::string text;
        const auto until = Clock::now() + std::chrono::seconds(30);
        for (;;)
        {
            if (const auto end = _pending.find('\n'); end != std::string::npos)
            {
                text = _pending.substr(0, end);
                _pending.erase(0, end + 1);
                return text;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            pollfd fd{_out.readHandle(), POLLIN, 0};
            if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0)
                throw Poco::TimeoutException(_command + ": no line with " + what + " in 30 s");
            char buffer[4096];
            const int n = _out.readBytes(buffer, sizeof buffer);
            if (n <= 0)
                throw Poco::IOException(_command + ": ended before printing " + what);
            _pending.append(buffer, static_cast<std::size_t>(n));
            if (_pending.size() > 1024 * 1024)
                throw Poco::DataException(_command + ": a line of over 1 MiB");
        }
    }

    Poco::Pipe _in, _out;
    Poco::ProcessHandle _handle;
    std::string _command;
    std::string _pending;
    std::string _url;
};

// One instance of the plugin as the daemon makes it: its section read from the configuration
// (the plugin path and `extra` over it), declared and checked by a SourceCatalog, initialized.
struct Instance
{
    Instance(const Options& options, const std::string& name, const Settings::Overrides& extra,
             bool initialize = true)
    {
        Settings::Overrides overrides = options.overrides;
        overrides.emplace_back("source." + name + ".plugin",
                               Poco::Path(options.plugin).absolute().toString());
        overrides.insert(overrides.end(), extra.begin(), extra.end());
        settings = std::make_unique<Settings>(
            Settings::read(options.config, Settings::currentEnvironment(), overrides));
        settings->declare(EngineConfig::schema());
        catalog = std::make_unique<SourceCatalog>(*settings, "", stop, false);
        for (const auto& candidate : catalog->entries())
            if (candidate->name == name)
                entry = candidate;
        if (!initialize)
            return;
        settings->throwIfInvalid();
        catalog->initialize();
    }

    ~Instance() { catalog->shutdown(); }

    Source& source() const { return *entry->source; }

    std::atomic<bool> stop{false};
    std::unique_ptr<Settings> settings;
    std::unique_ptr<SourceCatalog> catalog;
    SourceCatalog::EntryPtr entry;
};

// What a poll stored, as the engine stores it: whatever a sink got, and the cursor of every
// stream() that returned.
struct Read
{
    std::map<std::string, int> ids;
    std::map<std::string, Poco::Timestamp> createdAt;
    Poco::Timestamp latest = Poco::Timestamp::TIMEVAL_MIN; ///< The newest record's created_at.
    std::size_t records = 0, rejects = 0;
    int fetches = 0;
    std::string cursor;
    std::string error; ///< Why the poll ended early; empty when it ran to its end.

    std::vector<std::string> twice() const
    {
        std::vector<std::string> out;
        for (const auto& [id, times] : ids)
            if (times > 1)
                out.push_back(id);
        return out;
    }
};

class ReadSink : public RecordSink
{
public:
    explicit ReadSink(Read& read)
        : _read(read)
    {
    }
    void write(std::vector<Record>& records, std::vector<Reject>& rejects) override
    {
        for (const auto& record : records)
        {
            ++_read.ids[record.id];
            _read.createdAt[record.id] = record.createdAt;
            _read.latest = std::max(_read.latest, record.createdAt);
        }
        _read.records += records.size();
        _read.rejects += rejects.size();
        records.clear();
        rejects.clear();
    }

private:
    Read& _read;
};

constexpr int MAX_FETCHES = 10000;
constexpr int PRELOAD = 120; // seeded before the first read

// A poll from `cursor`: stream() again while the source says it has more.
Read poll(Source& source, const std::string& cursor = {})
{
    Read read;
    read.cursor = cursor;
    ReadSink sink(read);
    try
    {
        for (bool more = true; more; ++read.fetches)
        {
            if (read.fetches == MAX_FETCHES)
            {
                read.error = "still more after " + std::to_string(MAX_FETCHES) + " fetches";
                break;
            }
            Batch last = source.stream(read.cursor, sink);
            sink.write(last.records, last.rejects);
            read.cursor = last.cursor;
            more = last.more;
        }
    }
    catch (const Poco::Exception& e)
    {
        read.error = e.displayText();
    }
    catch (const std::exception& e)
    {
        read.error = std::string("std::exception: ") + e.what();
    }
    return read;
}

std::string some(const std::vector<std::string>& ids)
{
    std::vector<std::string> first(ids.begin(), ids.begin() + std::min<std::size_t>(5, ids.size()));
    return joined(first) + (ids.size() > 5 ? ", …" : "");
}

std::vector<std::string> again(const Read& read, const std::set<std::string>& seen)
{
    std::vector<std::string> out;
    for (const auto& [id, times] : read.ids)
        if (seen.count(id))
            out.push_back(id);
    return out;
}

std::string fetched(const Read& read)
{
    return std::to_string(read.records) + " record(s), " + std::to_string(read.rejects) +
           " reject(s) in " + std::to_string(read.fetches) + " fetch(es)";
}

// Dotted parts of lowercase letters, digits and '_', the first starting with a letter; a part
// after the first may start with the one '*' of a family (`query.*`, `headers.*_file`).
bool wellNamed(const std::string& name)
{
    bool star = false;
    std::size_t from = 0;
    for (int part = 0;; ++part)
    {
        const std::size_t dot = name.find('.', from);
        std::string_view text(name.data() + from,
                              (dot == std::string::npos ? name.size() : dot) - from);
        if (part > 0 && text.starts_with('*') && !star)
        {
            star = true;
            text.remove_prefix(1);
        }
        else if (text.empty() || (part == 0 && !(text.front() >= 'a' && text.front() <= 'z')))
            return false;
        for (const char c : text)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                return false;
        if (dot == std::string::npos)
            return true;
        from = dot + 1;
    }
}

// A value of `type` that its parser refuses; empty for the types that take any text.
std::string badValue(ConfigType type)
{
    switch (type)
    {
    case ConfigType::Integer:
        return "twelve";
    case ConfigType::Duration:
        return "soon";
    case ConfigType::Boolean:
        return "maybe";
    case ConfigType::Time:
        return "yesterday";
    case ConfigType::Enumeration:
        return "no-such-value";
    default:
        return "";
    }
}

// Captures what the plugin writes to stdout (fd 1) while it lives: the daemon's stdout may be
// a pipe nobody reads, or the journal.
class StdoutCapture
{
public:
    StdoutCapture()
    {
        char name[] = "/tmp/courierd-plugin-check-XXXXXX";
        _fd = ::mkstemp(name);
        if (_fd < 0)
            throw Poco::SystemException("cannot make a file for the plugin's stdout");
        ::unlink(name);
        std::cout.flush();
        std::fflush(stdout);
        _saved = ::dup(1);
        ::dup2(_fd, 1);
    }
    ~StdoutCapture()
    {
        std::cout.flush();
        std::fflush(stdout);
        ::dup2(_saved, 1);
        ::close(_saved);
        ::close(_fd);
    }
    StdoutCapture(const StdoutCapture&) = delete;
    StdoutCapture& operator=(const StdoutCapture&) = delete;

    int saved() const { return _saved; }

    // The first 200 bytes written, and how many there were.
    std::pair<std::string, off_t> written() const
    {
        std::cout.flush();
        std::fflush(stdout);
        const off_t size = ::lseek(_fd, 0, SEEK_END);
        std::string head(static_cast<std::size_t>(std::min<off_t>(std::max<off_t>(size, 0), 200)),
                         '\0');
        if (!head.empty() && ::pread(_fd, head.data(), head.size(), 0) < 0)
            head.clear();
        return {head, size};
    }

private:
    int _fd = -1;
    int _saved = -1;
};

// Every check ends: a poll still running `bound` after it began (a plugin that never returns,
// and never looks at stopRequested()) calls `expire` with the check's name, from its own
// thread. `expire` must not return: the poll holds the thread that would go on.
class Watchdog
{
public:
    Watchdog(Duration bound, std::function<void(const std::string&)> expire)
        : _bound(std::chrono::milliseconds(bound.count()))
        , _expire(std::move(expire))
        , _thread([this] { watch(); })
    {
    }

    ~Watchdog()
    {
        {
            std::lock_guard lock(_mutex);
            _done = true;
        }
        _wake.notify_all();
        _thread.join();
    }

    void arm(const std::string& check)
    {
        {
            std::lock_guard lock(_mutex);
            _check = check;
            _until = Clock::now() + _bound;
        }
        _wake.notify_all();
    }

    void disarm()
    {
        std::lock_guard lock(_mutex);
        _check.clear();
    }

private:
    void watch()
    {
        std::unique_lock lock(_mutex);
        while (!_done)
        {
            if (_check.empty())
                _wake.wait(lock);
            else if (_wake.wait_until(lock, _until) == std::cv_status::timeout && !_check.empty() &&
                     Clock::now() >= _until)
                _expire(_check);
        }
    }

    const Clock::duration _bound;
    const std::function<void(const std::string&)> _expire;
    std::mutex _mutex;
    std::condition_variable _wake;
    std::string _check;
    Clock::time_point _until{};
    bool _done = false;
    std::thread _thread;
};

class Checks
{
public:
    explicit Checks(const Options& options)
        : _options(options)
    {
    }

    std::vector<Result> run()
    {
        StdoutCapture capture;
        __gnu_cxx::stdio_filebuf<char> real(::dup(capture.saved()), std::ios::out);
        std::ostream report(&real);
        _report = &report;
        Watchdog watchdog(_options.pollBound,
                          [&](const std::string& check)
                          {
                              end(check, Outcome::Fail,
                                  "a poll still running after " +
                                      formatDuration(_options.pollBound) +
                                      " (--poll-within): the plugin must return, and end soon "
                                      "once SourceContext::stopRequested(); the run ends here");
                              *_report << summary(_results) << std::endl;
                              if (_fake)
                                  _fake->kill();
                              std::_Exit(1);
                          });
        _watchdog = &watchdog;
        const std::string name = sourceName();
        Settings::Overrides extra;
        if (!_options.fake.empty())
        {
            _fake = std::make_unique<FakeSource>(_options.fake);
            extra.emplace_back("source." + name + "." + _options.urlKey, _fake->url());
        }
        Instance first(_options, name, extra);
        const auto& info = first.entry->info;
        *_report << "courierd-plugin-check: plugin " << info.name << " " << info.version << " ("
                 << info.path << "), [source." << name << "] of " << _options.config
                 << (_fake ? ", source faked by " + _options.fake.front() + " at " + _fake->url()
                           : std::string())
                 << std::endl;

        checkSettings(first, name, extra);
        if (_fake)
            _fake->seed(PRELOAD); // something to read, all created in the same moment
        const Read read1 = bounded("first read", first.source());
        std::set<std::string> seen = idsOf(read1);
        if (!read1.error.empty())
            end("first read", Outcome::Fail, "the poll failed: " + read1.error);
        else if (const auto twice = read1.twice(); !twice.empty())
            end("first read", Outcome::Fail,
                "returned " + std::to_string(twice.size()) +
                    " record(s) more than once: " + some(twice));
        else
            end("first read", Outcome::Pass, fetched(read1) + " from the plugin's start");

        const Read read2 = bounded("second read from its cursor", first.source(), read1.cursor);
        if (!read2.error.empty())
            end("second read from its cursor", Outcome::Fail, "the poll failed: " + read2.error);
        else if (const auto repeated = again(read2, seen); !repeated.empty())
            end("second read from its cursor", Outcome::Fail,
                std::to_string(repeated.size()) +
                    " record(s) of the first read again: " + some(repeated));
        else
            end("second read from its cursor", Outcome::Pass, fetched(read2) + ", none again");
        merge(seen, read2);

        std::string cursor = read2.cursor;
        checkRestore(name, extra, cursor, seen, std::max(read1.latest, read2.latest));
        checkFuture(name, extra);
        checkArrivals(first, cursor, seen);
        checkStop(name, extra);
        checkHostile(first, name);

        const auto [head, size] = capture.written();
        if (size > 0)
            end("stdout", Outcome::Fail,
                "the plugin wrote " + std::to_string(size) + " byte(s) to stdout, starting '" +
                    escapeUnstorable(clipped(head, 120)) + "': log through context.logger()");
        else
            end("stdout", Outcome::Pass, "nothing written");
        return _results;
    }

private:
    std::string sourceName() const
    {
        const Settings settings =
            Settings::read(_options.config, Settings::currentEnvironment(), _options.overrides);
        const auto names = settings.sourceNames();
        if (!_options.source.empty())
        {
            if (std::find(names.begin(), names.end(), _options.source) == names.end())
                throw ConfigException(_options.config + ": no [source." + _options.source +
                                      "] (its sources: " +
                                      (names.empty() ? std::string("none") : joined(names)) + ")");
            return _options.source;
        }
        if (names.size() != 1)
            throw ConfigException(_options.config + ": " +
                                  (names.empty()
                                       ? std::string("no [source.NAME] section")
                                       : "sources " + joined(names) + ": name one with --source"));
        return names.front();
    }

    static std::set<std::string> idsOf(const Read& read)
    {
        std::set<std::string> ids;
        merge(ids, read);
        return ids;
    }

    static void merge(std::set<std::string>& ids, const Read& read)
    {
        for (const auto& [id, times] : read.ids)
            ids.insert(id);
    }

    void end(const std::string& name, Outcome outcome, const std::string& detail)
    {
        static const char* const words[] = {"pass", "FAIL", "skip"};
        *_report << "  " << words[static_cast<int>(outcome)] << "  " << name << ": " << detail
                 << std::endl;
        _results.push_back({name, outcome, detail});
    }

    // The table: names, types, defaults, limits, help; then a bad value of one typed key.
    void checkSettings(const Instance& instance, const std::string& name,
                       const Settings::Overrides& extra)
    {
        const auto keys = instance.source().settings();
        std::vector<std::string> problems;
        std::set<std::string> names;
        std::set<std::string> engine;
        for (const auto& key : SourceCatalog::engineKeys(name))
            engine.insert(key.name.substr(("source." + name + ".").size()));
        for (const auto& key : keys)
        {
            const std::string quoted = "'" + clipped(key.name, 80) + "'";
            if (!wellNamed(key.name))
                problems.push_back(quoted + ": not lowercase letters, digits, '_' and '.'");
            if (!names.insert(key.name).second)
                problems.push_back(quoted + ": declared twice");
            if (engine.count(key.name))
                problems.push_back(quoted + ": the engine's key of every section");
            if (key.help.empty())
                problems.push_back(quoted + ": no help");
            if (key.minimum > key.maximum)
                problems.push_back(quoted + ": minimum above maximum");
            if (key.type == ConfigType::Enumeration &&
                (key.values.empty() ||
                 (!key.defaultValue.empty() && std::find(key.values.begin(), key.values.end(),
                                                         key.defaultValue) == key.values.end())))
                problems.push_back(quoted + ": an enumeration without values, or its default "
                                            "not among them");
            if (key.type == ConfigType::Secret && key.name.size() > 0 &&
                !key.name.ends_with("_file"))
                problems.push_back(quoted + ": a secret's key is named …_file");
        }
        if (!problems.empty())
        {
            end("settings table", Outcome::Fail, joined(problems, "; "));
            return;
        }
        const auto typed =
            std::find_if(keys.begin(), keys.end(),
                         [](const ConfigKey& key) { return !badValue(key.type).empty(); });
        if (typed == keys.end())
        {
            end("settings table", Outcome::Pass,
                std::to_string(keys.size()) + " key(s) well-formed (none with a value to refuse)");
            return;
        }
        const std::string bad = badValue(typed->type);
        Settings::Overrides withBad = extra;
        withBad.emplace_back("source." + name + "." + typed->name, bad);
        Instance refused(_options, name, withBad, false);
        const std::string expected = "source." + name + "." + typed->name + " = '" + bad + "': ";
        for (const auto& problem : refused.settings->problems())
            if (problem.find(expected) != std::string::npos)
            {
                end("settings table", Outcome::Pass,
                    std::to_string(keys.size()) + " key(s) well-formed; " + typed->name + " = '" +
                        bad + "' refused: " + clipped(problem, 200));
                return;
            }
        end("settings table", Outcome::Fail,
            typed->name + " = '" + bad + "' was not refused as \"" + expected + "…\"" +
                (refused.settings->problems().empty()
                     ? std::string(" (no problem at all)")
                     : " (problems: " + joined(refused.settings->problems(), "; ") + ")"));
    }

    // A restart: the cursor as PostgreSQL keeps it, a new instance, a poll from it.
    void checkRestore(const std::string& name, const Settings::Overrides& extra,
                      const std::string& cursor, const std::set<std::string>& seen,
                      Poco::Timestamp latest)
    {
        if (const auto at = firstUnstorableByte(cursor))
        {
            end("restore", Outcome::Fail,
                "the cursor cannot be stored: an unstorable byte at " + std::to_string(*at));
            return;
        }
        Instance restarted(_options, name, extra);
        const Read read = bounded("restore", restarted.source(), cursor);
        // A new instance may send again what lies within the source's window (look-back, clock
        // skew, interval: SourceCatalog::longestWindow()), which the inbox then drops; nothing
        // older.
        const Duration window = SourceCatalog::longestWindow(*restarted.settings);
        const Poco::Timestamp oldest =
            latest - Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(window.count()) * 1000);
        std::vector<std::string> older;
        const auto repeated = again(read, seen);
        for (const auto& id : repeated)
            if (read.createdAt.at(id) < oldest)
                older.push_back(id);
        if (!read.error.empty())
            end("restore", Outcome::Fail,
                "a new instance's poll from the stored cursor failed: " + read.error);
        else if (!older.empty())
            end("restore", Outcome::Fail,
                "a new instance from the stored cursor returned " + std::to_string(older.size()) +
                    " record(s) again, older than its window (" + formatDuration(window) +
                    " before the newest record): " + some(older));
        else
            end("restore", Outcome::Pass,
                "a new instance from the stored cursor (" + std::to_string(cursor.size()) +
                    " bytes): " + fetched(read) + ", " +
                    (repeated.empty()
                         ? std::string("none again")
                         : std::to_string(repeated.size()) + " again, all within its window of " +
                               formatDuration(window) + " (the inbox drops them)"));
    }

    // On an instance of its own: the first one goes on from its own cursor, as the engine's
    // would.
    void checkFuture(const std::string& name, const Settings::Overrides& extra)
    {
        Instance instance(_options, name, extra);
        const Poco::Timestamp future = Poco::Timestamp() + Poco::Timespan(1, 0, 0, 0, 0);
        std::string cursor;
        try
        {
            cursor = instance.source().cursorAt(future);
        }
        catch (const UnsupportedException& e)
        {
            end("future cursor", Outcome::Skip,
                "the plugin makes no cursor for a time (" + e.message() + ")");
            return;
        }
        const Read read = bounded("future cursor", instance.source(), cursor);
        if (!read.error.empty())
            end("future cursor", Outcome::Fail, "the poll failed: " + read.error);
        else if (read.records > 0)
            end("future cursor", Outcome::Fail,
                "a cursor at " + formatRfc3339(future) + " returned " +
                    std::to_string(read.records) + " record(s): " + some(keys(read)));
        else
            end("future cursor", Outcome::Pass,
                "a cursor at " + formatRfc3339(future) + ": no record");
    }

    static std::vector<std::string> keys(const Read& read)
    {
        std::vector<std::string> out;
        for (const auto& [id, times] : read.ids)
            out.push_back(id);
        return out;
    }

    // Records made at the source between two polls, the second lot within a second of the
    // first (the boundary the cursor holds), all come, once.
    void checkArrivals(const Instance& instance, std::string& cursor, std::set<std::string>& seen)
    {
        if (!_fake)
        {
            end("arrivals", Outcome::Skip,
                "no seeding hook: give the program that fakes the source after --");
            return;
        }
        std::size_t count = 0;
        for (int round = 0; round < 2; ++round)
        {
            const auto seeded = _fake->seed(5);
            const Read read = bounded("arrivals", instance.source(), cursor);
            std::vector<std::string> missing, twice;
            for (const auto& id : seeded)
                if (!read.ids.count(id))
                    missing.push_back(id);
                else if (read.ids.at(id) > 1)
                    twice.push_back(id);
            const auto repeated = again(read, seen);
            const std::string lot = round == 0 ? "the first 5 seeded" : "5 more seeded at once";
            if (!read.error.empty())
                return end("arrivals", Outcome::Fail, lot + ": the poll failed: " + read.error);
            if (!missing.empty())
                return end("arrivals", Outcome::Fail,
                           lot + ": " + std::to_string(missing.size()) +
                               " never returned: " + some(missing));
            if (!twice.empty() || !repeated.empty())
                return end("arrivals", Outcome::Fail,
                           lot + ": returned again: " + some(twice.empty() ? repeated : twice));
            merge(seen, read);
            cursor = read.cursor;
            count += seeded.size();
        }
        end("arrivals", Outcome::Pass,
            std::to_string(count) + " records seeded in two lots a moment apart, each returned "
                                    "once by the next poll");
    }

    // A long poll (every answer trickled, where the plugin's requests can be slowed) asked to
    // stop 300 ms in.
    void checkStop(const std::string& name, Settings::Overrides extra)
    {
        std::unique_ptr<FaultProxy> proxy;
        if (const auto upstream = upstreamOf(name, extra); !upstream.empty())
        {
            proxy = std::make_unique<FaultProxy>(upstream);
            proxy->slow(true);
            extra.emplace_back("source." + name + "." + _options.urlKey, proxy->url());
        }
        Instance instance(_options, name, extra);
        const auto started = Clock::now();
        _watchdog->arm("stop");
        auto polling =
            std::async(std::launch::async, [&] { return poll(instance.source(), std::string()); });
        polling.wait_for(std::chrono::milliseconds(300));
        const auto asked = Clock::now();
        instance.stop = true;
        const auto bound = std::chrono::milliseconds(_options.stopBound.count());
        if (polling.wait_for(bound) != std::future_status::ready)
        {
            end("stop", Outcome::Fail,
                "the poll went on " + formatDuration(_options.stopBound) +
                    " after stop was asked (SourceContext::stopRequested())");
            polling.wait(); // it must end before the instance goes (or the watchdog ends it)
            _watchdog->disarm();
            return;
        }
        const Read read = polling.get();
        _watchdog->disarm();
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - asked).count();
        const bool done = read.error.empty() && asked - started < std::chrono::milliseconds(300);
        end("stop", Outcome::Pass,
            (done ? "the poll had ended before stop was asked"
                  : "the poll ended " + std::to_string(took) + " ms after stop was asked") +
                std::string(" (bound ") + formatDuration(_options.stopBound) + ")" +
                (proxy ? ", its answers trickled" : ", no HTTP to slow down"));
    }

    // Where the plugin sends requests: the fake's URL or the configured one; empty when the
    // plugin has no such key.
    std::string upstreamOf(const std::string& name, const Settings::Overrides& extra)
    {
        Instance probe(_options, name, extra, false);
        const std::string key = "source." + name + "." + _options.urlKey;
        const auto keys = probe.entry ? probe.entry->source->settings() : std::vector<ConfigKey>{};
        if (std::none_of(keys.begin(), keys.end(),
                         [&](const ConfigKey& k) { return k.name == _options.urlKey; }))
            return "";
        // Only an HTTP source has answers for the proxy to break.
        const std::string url = probe.settings->getString(key);
        return url.starts_with("http://") ? url : "";
    }

    // The first read again through a proxy that injects a 503, a cut answer and a trickle in
    // turn: polls from the plugin's start, each from the last one's cursor, until one ends; no
    // record of a clean read may be missing.
    void checkHostile(const Instance& clean, const std::string& name)
    {
        Settings::Overrides extra;
        if (_fake)
            extra.emplace_back("source." + name + "." + _options.urlKey, _fake->url());
        const std::string upstream = upstreamOf(name, extra);
        if (upstream.empty())
        {
            end("hostile answers", Outcome::Skip,
                "the plugin has no '" + _options.urlKey +
                    "' key with an http:// URL: no HTTP for the runner to stand between "
                    "(--url-key names another)");
            return;
        }
        const Read expected = bounded("hostile answers", clean.source());
        if (!expected.error.empty())
        {
            end("hostile answers", Outcome::Fail, "the clean read failed: " + expected.error);
            return;
        }
        FaultProxy proxy(upstream);
        proxy.faults(true);
        extra.emplace_back("source." + name + "." + _options.urlKey, proxy.url());
        Instance instance(_options, name, extra);
        std::set<std::string> stored;
        std::string cursor;
        int polls = 0, failed = 0;
        std::string lastError;
        for (bool ended = false; !ended && polls < 40; ++polls)
        {
            const Read read = bounded("hostile answers", instance.source(), cursor);
            merge(stored, read);
            cursor = read.cursor;
            ended = read.error.empty();
            if (!ended)
            {
                ++failed;
                lastError = read.error;
            }
        }
        std::vector<std::string> missing;
        for (const auto& [id, times] : expected.ids)
            if (!stored.count(id))
                missing.push_back(id);
        const auto& counts = proxy.counts();
        const std::string faults =
            std::to_string(counts.unavailable) + " 503, " + std::to_string(counts.truncated) +
            " cut short, " + std::to_string(counts.trickled) + " trickled of " +
            std::to_string(counts.requests) + " request(s); " + std::to_string(polls) +
            " poll(s), " + std::to_string(failed) + " failed" +
            (lastError.empty() ? std::string() : " (last: " + clipped(lastError, 160) + ")");
        if (!missing.empty())
            end("hostile answers", Outcome::Fail,
                std::to_string(missing.size()) + " of " + std::to_string(expected.ids.size()) +
                    " record(s) lost: " + some(missing) + "; " + faults);
        else if (failed == polls)
            end("hostile answers", Outcome::Fail, "no poll ended in 40: " + faults);
        else
            end("hostile answers", Outcome::Pass,
                "all " + std::to_string(expected.ids.size()) + " record(s) of a clean read; " +
                    faults);
    }

    // poll(), bounded by the watchdog as `check`.
    Read bounded(const std::string& check, Source& source, const std::string& cursor = {})
    {
        _watchdog->arm(check);
        Read read = poll(source, cursor);
        _watchdog->disarm();
        return read;
    }

    const Options& _options;
    std::ostream* _report = nullptr; // the real stdout
    Watchdog* _watchdog = nullptr;
    std::unique_ptr<FakeSource> _fake;
    std::vector<Result> _results;
};

} // namespace

std::vector<Result> run(const Options& options)
{
    return Checks(options).run();
}

std::string summary(const std::vector<Result>& results)
{
    int counts[3] = {0, 0, 0};
    for (const auto& result : results)
        ++counts[static_cast<int>(result.outcome)];
    return std::to_string(counts[0]) + " passed, " + std::to_string(counts[1]) + " failed, " +
           std::to_string(counts[2]) + " skipped";
}

} // namespace courierd::check
