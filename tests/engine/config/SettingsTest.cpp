#include "config/Settings.h"

#include "TestFiles.h"
#include "config/EngineConfig.h"
#include "sources/SourceCatalog.h"
#include "util/Exceptions.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

using namespace courierd;
using namespace std::chrono_literals;
using namespace courierd::test;

namespace
{

Settings load(const std::string& path, const Settings::Environment& env = {},
              const Settings::Overrides& overrides = {})
{
    return Settings::load(path, EngineConfig::schema(), env, overrides);
}

} // namespace

class SettingsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SettingsTest);
    CPPUNIT_TEST(defaultsApplyWithoutFile);
    CPPUNIT_TEST(readsIniFile);
    CPPUNIT_TEST(readsPropertiesFile);
    CPPUNIT_TEST(environmentNameFollowsTheRule);
    CPPUNIT_TEST(environmentOverridesFileAndSetOverridesEnvironment);
    CPPUNIT_TEST(badDurationNamesFileKeyAndValue);
    CPPUNIT_TEST(badEnvironmentValueNamesTheVariable);
    CPPUNIT_TEST(outOfRangeIntegerIsRefused);
    CPPUNIT_TEST(unknownKeyNamesFileSectionAndKnownKeys);
    CPPUNIT_TEST(unknownSectionIsRefused);
    CPPUNIT_TEST(everyProblemIsReportedAtOnce);
    CPPUNIT_TEST(unknownSetKeyIsRefused);
    CPPUNIT_TEST(unmatchedEnvironmentVariableIsAWarning);
    CPPUNIT_TEST(loggingSectionPassesThrough);
    CPPUNIT_TEST(missingFileIsAConfigError);
    CPPUNIT_TEST(readmeDocumentsEveryKey);
    CPPUNIT_TEST(iniCommentsAreWholeLines);
    CPPUNIT_TEST(hostileKeysAreBoundedProblemsNotACrash);
    CPPUNIT_TEST(dropInsAreReadInNameOrderAndAKeySetTwiceIsAProblem);
    CPPUNIT_TEST(secretsAreReadFromFilesAndNeverShown);
    CPPUNIT_TEST_SUITE_END();

public:
    void defaultsApplyWithoutFile()
    {
        const auto settings = load("");
        CPPUNIT_ASSERT(settings.problems().empty());
        const auto config = EngineConfig::from(settings);
        CPPUNIT_ASSERT_EQUAL(std::string(""), config.store.url);
        CPPUNIT_ASSERT_EQUAL(8, config.store.poolSize);
        CPPUNIT_ASSERT(config.assignment.deadlineOnFoot == 30min);
        CPPUNIT_ASSERT(config.assignment.deadlineScooter == 15min);
        CPPUNIT_ASSERT(config.assignment.deadlineCar == 5min);
        CPPUNIT_ASSERT(config.assignment.releaseInterval == 10s);
        CPPUNIT_ASSERT_EQUAL(std::string("default"), settings.origin("store.pool_size"));
    }

    void readsIniFile()
    {
        TempFile file(".ini", "[store]\nurl = dbname=x\npool_size = 3\n"
                              "[assignment]\ndeadline.car = 250ms\nrelease_interval = 1h\n");
        const auto settings = load(file.path());
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()), settings.problems().empty());
        const auto config = EngineConfig::from(settings);
        CPPUNIT_ASSERT_EQUAL(std::string("dbname=x"), config.store.url);
        CPPUNIT_ASSERT_EQUAL(3, config.store.poolSize);
        CPPUNIT_ASSERT(config.assignment.deadlineCar == 250ms);
        CPPUNIT_ASSERT(config.assignment.deadlineScooter == 15min);
        CPPUNIT_ASSERT(config.assignment.releaseInterval == 1h);
        CPPUNIT_ASSERT_EQUAL(file.path(), settings.origin("store.url"));
    }

    void readsPropertiesFile()
    {
        TempFile file(".properties", "store.pool_size = 5\nassignment.deadline.on_foot = 10m\n");
        const auto config = EngineConfig::from(load(file.path()));
        CPPUNIT_ASSERT_EQUAL(5, config.store.poolSize);
        CPPUNIT_ASSERT(config.assignment.deadlineOnFoot == 10min);
    }

    void environmentNameFollowsTheRule()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("COURIERD_SOURCE_SERVICE_ORDER_BASE_URL"),
                             environmentName("source.service-order.base_url"));
        CPPUNIT_ASSERT_EQUAL(std::string("COURIERD_ASSIGNMENT_DEADLINE_ON_FOOT"),
                             environmentName("assignment.deadline.on_foot"));
    }

    void environmentOverridesFileAndSetOverridesEnvironment()
    {
        TempFile file(".ini", "[store]\npool_size = 3\n[assignment]\ndeadline.car = 1m\n");
        const Settings::Environment env = {{"COURIERD_STORE_POOL_SIZE", "6"},
                                           {"COURIERD_ASSIGNMENT_DEADLINE_CAR", "2m"}};
        const auto settings = load(file.path(), env, {{"assignment.deadline.car", "3m"}});
        const auto config = EngineConfig::from(settings);
        CPPUNIT_ASSERT_EQUAL(6, config.store.poolSize);
        CPPUNIT_ASSERT(config.assignment.deadlineCar == 3min);
        CPPUNIT_ASSERT_EQUAL(std::string("environment COURIERD_STORE_POOL_SIZE"),
                             settings.origin("store.pool_size"));
        CPPUNIT_ASSERT_EQUAL(std::string("--set"), settings.origin("assignment.deadline.car"));
    }

    void badDurationNamesFileKeyAndValue()
    {
        TempFile file(".ini", "[assignment]\ndeadline.car = fast\n");
        const auto settings = load(file.path());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), settings.problems().size());
        CPPUNIT_ASSERT_MESSAGE(
            settings.problems()[0],
            anyContains(settings.problems(),
                        {file.path(), "assignment.deadline.car", "'fast'", "not a duration"}));
        CPPUNIT_ASSERT_THROW(EngineConfig::from(settings), ConfigException);
    }

    void badEnvironmentValueNamesTheVariable()
    {
        const auto settings = load("", {{"COURIERD_ASSIGNMENT_RELEASE_INTERVAL", "10"}});
        CPPUNIT_ASSERT(
            anyContains(settings.problems(), {"environment COURIERD_ASSIGNMENT_RELEASE_INTERVAL",
                                              "assignment.release_interval", "'10'"}));
    }

    void outOfRangeIntegerIsRefused()
    {
        TempFile file(".ini", "[store]\npool_size = 0\nconnect_timeout = 10ms\n");
        const auto settings = load(file.path());
        CPPUNIT_ASSERT(anyContains(settings.problems(), {"store.pool_size", "'0'", "between 1"}));
        CPPUNIT_ASSERT(anyContains(settings.problems(), {"store.connect_timeout", "'10ms'"}));
        TempFile words(".ini", "[store]\npool_size = eight\n");
        CPPUNIT_ASSERT(anyContains(load(words.path()).problems(),
                                   {"store.pool_size", "'eight'", "not a whole number"}));
    }

    void unknownKeyNamesFileSectionAndKnownKeys()
    {
        TempFile file(".ini", "[store]\nurll = dbname=x\n");
        const auto settings = load(file.path());
        CPPUNIT_ASSERT_MESSAGE(
            joined(settings.problems()),
            anyContains(settings.problems(), {file.path(), "unknown key 'urll'", "[store]",
                                              "connect_timeout, password_file, pool_size, url"}));
    }

    void unknownSectionIsRefused()
    {
        TempFile file(".ini", "[stor]\nurl = x\npool_size = 2\n");
        const auto settings = load(file.path());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), settings.problems().size());
        CPPUNIT_ASSERT(
            anyContains(settings.problems(), {file.path(), "unknown section [stor]", "store"}));
    }

    void everyProblemIsReportedAtOnce()
    {
        TempFile file(".ini",
                      "[store]\npool_size = -1\nbogus = 1\n[assignment]\ndeadline.car = 5\n");
        const auto settings = load(file.path());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(joined(settings.problems()), std::size_t(3),
                                     settings.problems().size());
        try
        {
            settings.throwIfInvalid();
            CPPUNIT_FAIL("no exception");
        }
        catch (const ConfigException& e)
        {
            CPPUNIT_ASSERT(e.message().find("bogus") != std::string::npos);
            CPPUNIT_ASSERT(e.message().find("deadline.car") != std::string::npos);
        }
    }

    void unknownSetKeyIsRefused()
    {
        const auto settings = load("", {}, {{"store.nope", "1"}});
        CPPUNIT_ASSERT(anyContains(settings.problems(), {"--set", "unknown key 'store.nope'"}));
    }

    void unmatchedEnvironmentVariableIsAWarning()
    {
        const auto settings = load("", {{"COURIERD_STORE_URLL", "x"}});
        CPPUNIT_ASSERT(settings.problems().empty());
        CPPUNIT_ASSERT(anyContains(settings.warnings(), {"COURIERD_STORE_URLL"}));
    }

    void loggingSectionPassesThrough()
    {
        TempFile file(".ini", "[logging]\nloggers.root.level = debug\n");
        const auto settings = load(file.path());
        CPPUNIT_ASSERT(settings.problems().empty());
        CPPUNIT_ASSERT_EQUAL(std::string("debug"),
                             settings.file()->getString("logging.loggers.root.level"));
    }

    void missingFileIsAConfigError()
    {
        try
        {
            load("/nonexistent/courierd.ini");
            CPPUNIT_FAIL("no exception");
        }
        catch (const ConfigException& e)
        {
            CPPUNIT_ASSERT(e.message().find("/nonexistent/courierd.ini") != std::string::npos);
        }
    }

    void iniCommentsAreWholeLines()
    {
        TempFile file(".ini", "; a comment\n[store]\n  ; indented\npool_size = 3\n"
                              "connect_timeout = 5s ; not a comment\n");
        const auto settings = load(file.path());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), settings.problems().size());
        CPPUNIT_ASSERT(anyContains(settings.problems(), {"'5s ; not a comment'"}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), settings.getInt("store.pool_size"));
    }

    // Found by fuzzing (fuzz/settings_fuzzer.cpp): keys were listed by a recursive walk of
    // POCO's key tree, so an empty key (a line "= 5m") recursed forever and a key of 100,000
    // segments overflowed the stack; each step scanned every key, so many keys took minutes.
    void hostileKeysAreBoundedProblemsNotACrash()
    {
        std::string deep = "a";
        for (int i = 0; i < 100'000; ++i)
            deep += ".a";
        for (const char* extension : {".ini", ".properties"})
        {
            TempFile file(extension, "= 5m\n" + deep + " = 1\n");
            const auto settings = load(file.path());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(joined(settings.problems()), std::size_t(2),
                                         settings.problems().size());
        }
        // `[source]` `orders = 1` ended in std::out_of_range (exit 70).
        TempFile bare(".ini", "[source]\norders = 1\n");
        auto withSource = Settings::read(bare.path(), {}, {});
        withSource.declare(EngineConfig::schema());
        withSource.declare(SourceCatalog::engineKeys("orders"));
        withSource.check();
        CPPUNIT_ASSERT(anyContains(withSource.problems(),
                                   {"'source.orders' names the section [source.orders]"}));
        // Messages quote a bounded part of what they name.
        TempFile huge(".ini", "[store]\npool_size = " + std::string(1'000'000, '9') + "\n" +
                                  std::string(1'000'000, 'k') + " = 1\n");
        const auto hugeSettings = load(huge.path());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), hugeSettings.problems().size());
        for (const auto& problem : hugeSettings.problems())
            CPPUNIT_ASSERT_MESSAGE(problem.substr(0, 300), problem.size() < 1000);
        std::string many = "[store]\n";
        for (int i = 0; i < 50'000; ++i)
            many += "k" + std::to_string(i) + " = 1\n";
        TempFile file(".ini", many);
        CPPUNIT_ASSERT_EQUAL(std::size_t(50'000), load(file.path()).problems().size());
    }

    void dropInsAreReadInNameOrderAndAKeySetTwiceIsAProblem()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path() + "/conf.d").createDirectories();
        const auto write = [&](const std::string& name, const std::string& text)
        {
            Poco::FileOutputStream out(dir.path() + "/" + name);
            out << text;
        };
        write("courierd.ini", "[store]\npool_size = 3\n");
        write("conf.d/20-b.ini", "[assignment]\ndeadline.car = 7m\n");
        write("conf.d/10-a.properties", "pipeline.workers = 2\n");
        write("conf.d/README", "not read: neither .ini nor .properties\n");
        auto settings = load(dir.path() + "/courierd.ini");
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()), settings.problems().empty());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), settings.getInt("store.pool_size"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), settings.getInt("pipeline.workers"));
        CPPUNIT_ASSERT(settings.getDuration("assignment.deadline.car") == 7min);
        CPPUNIT_ASSERT_EQUAL(dir.path() + "/conf.d/20-b.ini",
                             settings.origin("assignment.deadline.car"));

        // Twice in one file is the same mistake as in two (issue 19, defect 7: the last one
        // won silently), in INI and in .properties.
        write("twice.ini",
              "[store]\npool_size = 3\n[pipeline]\nworkers = 2\n[store]\nPool_Size = 5\n");
        CPPUNIT_ASSERT(anyContains(load(dir.path() + "/twice.ini").problems(),
                                   {dir.path() + "/twice.ini: store.Pool_Size (lines 2 and 6) is "
                                                 "set twice in this file"}));
        write("twice.properties",
              "store.pool_size = 3\n# store.pool_size = 9\nstore.pool_size=4\n");
        CPPUNIT_ASSERT(anyContains(load(dir.path() + "/twice.properties").problems(),
                                   {"store.pool_size (lines 1 and 3) is set twice"}));

        write("conf.d/30-c.ini", "[store]\npool_size = 4\n");
        settings = load(dir.path() + "/courierd.ini");
        CPPUNIT_ASSERT(
            anyContains(settings.problems(), {dir.path() +
                                              "/conf.d/30-c.ini: store.pool_size is set here "
                                              "and in " +
                                              dir.path() + "/courierd.ini"}));
    }

    void secretsAreReadFromFilesAndNeverShown()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        {
            Poco::FileOutputStream(dir.path() + "/db") << "pa55word\n";
            Poco::FileOutputStream(dir.path() + "/token") << "t0ken\r\n";
        }
        const auto from = [](const Settings::Overrides& set)
        { return EngineConfig::from(load("", {}, set)); };
        auto config = from({{"store.password_file", dir.path() + "/db"},
                            {"admin.token_file", dir.path() + "/token"}});
        CPPUNIT_ASSERT_EQUAL(std::string("pa55word"), config.store.password);
        CPPUNIT_ASSERT((config.admin.tokens == std::vector<std::string>{"t0ken"}));
        // While a token is rotated the file holds two, one a line (issue 19, defect 11).
        Poco::FileOutputStream(dir.path() + "/two") << "0ld\n\nn3w\r\n";
        ::chmod((dir.path() + "/two").c_str(), 0640);
        config = from({{"admin.token_file", dir.path() + "/two"}});
        CPPUNIT_ASSERT((config.admin.tokens == std::vector<std::string>{"0ld", "n3w"}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), config.warnings.size());
        // A secret every user may read is named in a warning (issue 19, defect 8).
        ::chmod((dir.path() + "/two").c_str(), 0644);
        config = from({{"admin.token_file", dir.path() + "/two"}});
        CPPUNIT_ASSERT(anyContains(config.warnings, {dir.path() + "/two can be read by every "
                                                                  "user (mode 0644)"}));
        CPPUNIT_ASSERT(!anyContains(config.warnings, {"n3w"}));
        Poco::FileOutputStream(dir.path() + "/three") << "a\nb\nc\n";
        try
        {
            from({{"admin.token_file", dir.path() + "/three"}});
            CPPUNIT_FAIL("three tokens accepted");
        }
        catch (const ConfigException& e)
        {
            CPPUNIT_ASSERT_MESSAGE(e.message(),
                                   e.message().find("holds 3 tokens") != std::string::npos);
            CPPUNIT_ASSERT(e.message().find("\nb") == std::string::npos);
        }
        config = from({{"admin.allowed_hosts", " Courierd.Example.org:8081, ,[::2]:1,ops"}});
        CPPUNIT_ASSERT((config.admin.allowedHosts ==
                        std::vector<std::string>{"courierd.example.org:8081", "[::2]:1", "ops"}));

        // Relative: in $CREDENTIALS_DIRECTORY, as systemd's LoadCredential= makes it.
        setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
        config = from({{"store.password_file", "db"}});
        unsetenv("CREDENTIALS_DIRECTORY");
        CPPUNIT_ASSERT_EQUAL(std::string("pa55word"), config.store.password);

        const auto refused = [&](const Settings::Overrides& set, const std::string& part)
        {
            try
            {
                from(set);
                CPPUNIT_FAIL("accepted: " + part);
            }
            catch (const ConfigException& e)
            {
                CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find(part) != std::string::npos);
                CPPUNIT_ASSERT_MESSAGE(e.message(),
                                       e.message().find("pa55word") == std::string::npos);
            }
        };
        refused({{"store.password_file", dir.path() + "/missing"}},
                "store.password_file = '" + dir.path() + "/missing'");
        refused({{"store.password_file", dir.path()}}, "is a directory");
        refused({{"store.password_file", "db"}}, "$CREDENTIALS_DIRECTORY");
        refused({{"admin.token", "x"}, {"admin.token_file", dir.path() + "/token"}},
                "set one of the two");
    }

    void readmeDocumentsEveryKey()
    {
        const std::string readme = readFile(COURIERD_SOURCE_DIR "/docs/configuration.md");
        for (const auto& key : EngineConfig::schema())
        {
            const std::string row = "| `" + key.name + "` | ";
            CPPUNIT_ASSERT_MESSAGE("docs/configuration.md does not document " + key.name,
                                   readme.find(row) != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SettingsTest);
