#include "courierd/ConfigMap.h"

#include "TestFiles.h"
#include "config/Settings.h"
#include "util/Exceptions.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>
#include <stdexcept>
#include <sys/stat.h>

using namespace courierd;
using namespace courierd::test;
using namespace std::chrono_literals;

namespace
{

enum class Mode
{
    Fast,
    Careful,
};

struct Limits
{
    std::size_t bytes{};
    Duration wait{};
};

// One member of every type a ConfigMap binds, and a nested struct.
struct Everything
{
    std::string name;
    int count{};
    Duration every{};
    bool verbose{};
    Poco::Timestamp since;
    Mode mode{};
    std::vector<std::string> tags;
    std::set<std::string> colours;
    std::string password;
    Limits limits;
};

const ConfigMap<Limits>& limitsMap()
{
    static const auto map =
        ConfigMap<Limits>()
            .integer("limits.bytes", &Limits::bytes, "1024", "most bytes", 1, 1 << 20)
            .duration("limits.wait", &Limits::wait, "2s", "longest wait", 1ms, 1min);
    return map;
}

const ConfigMap<Everything>& map()
{
    using E = Everything;
    static const auto map =
        ConfigMap<E>()
            .string("name", &E::name, "anna", "a name")
            .integer("count", &E::count, "3", "how many", 0, 10)
            .duration("every", &E::every, "5s", "how often", 100ms, 1h)
            .boolean("verbose", &E::verbose, "false", "say more")
            .time("since", &E::since, "2026-11-24T10:15:30Z", "from when")
            .enumeration("mode", &E::mode, "fast", "how",
                         {{"fast", Mode::Fast}, {"careful", Mode::Careful}})
            .list("tags", &E::tags, "a, b", "any words")
            .list("colours", &E::colours, "red", "some colours", {"blue", "green", "red"})
            .secret("password_file", &E::password, "the password")
            .include(&E::limits, limitsMap());
    return map;
}

const std::string PREFIX = "source.s.";

// Key families (`query.*`): each key set that matches, read into a map.
struct Families
{
    std::string path;
    std::map<std::string, std::string> query, headers, secretHeaders;
};

const ConfigMap<Families>& familiesMap()
{
    using F = Families;
    static const auto map =
        ConfigMap<F>()
            .string("path", &F::path, "/", "a path")
            .family("query.*", &F::query, "a query parameter")
            .family("headers.*", &F::headers, "a header")
            .family("headers.*_file", &F::secretHeaders, "a secret header", true);
    return map;
}

Settings settingsOf(const Settings::Overrides& set)
{
    Settings::Overrides prefixed;
    for (const auto& [key, value] : set)
        prefixed.emplace_back(PREFIX + key, value);
    Settings settings = Settings::read("", {}, prefixed);
    settings.declare(map().keys(PREFIX));
    settings.check();
    return settings;
}

} // namespace

// The configuration map (issue 20, point 3): every key declared once, bound to its member,
// and the host's parsing and checking of each type.
class ConfigMapTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ConfigMapTest);
    CPPUNIT_TEST(keysCarryTypeDefaultLimitsAndValues);
    CPPUNIT_TEST(defaultsFillEveryMember);
    CPPUNIT_TEST(valuesFillEveryMember);
    CPPUNIT_TEST(badValuesOfEachTypeNameKeyAndValue);
    CPPUNIT_TEST(secretsAreReadAndNeverShown);
    CPPUNIT_TEST(bindingsThatCannotHoldTheirValuesAreRefused);
    CPPUNIT_TEST(gettersRefuseAnotherType);
    CPPUNIT_TEST(familiesCollectTheKeysSetForThem);
    CPPUNIT_TEST_SUITE_END();

public:
    void keysCarryTypeDefaultLimitsAndValues()
    {
        const auto keys = map().keys(PREFIX);
        CPPUNIT_ASSERT_EQUAL(std::size_t(11), keys.size());
        CPPUNIT_ASSERT_EQUAL(PREFIX + "name", keys[0].name);
        CPPUNIT_ASSERT(keys[2].type == ConfigType::Duration);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100), keys[2].minimum);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3600 * 1000), keys[2].maximum);
        CPPUNIT_ASSERT(keys[5].type == ConfigType::Enumeration);
        CPPUNIT_ASSERT((keys[5].values == std::vector<std::string>{"fast", "careful"}));
        CPPUNIT_ASSERT(keys[7].type == ConfigType::List);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), keys[7].values.size());
        CPPUNIT_ASSERT(keys[8].type == ConfigType::Secret);
        CPPUNIT_ASSERT_EQUAL(std::string(), keys[8].defaultValue);
        CPPUNIT_ASSERT_EQUAL(PREFIX + "limits.wait", keys[10].name);
        CPPUNIT_ASSERT_EQUAL(std::string("2s"), keys[10].defaultValue);
    }

    void defaultsFillEveryMember()
    {
        const Settings settings = settingsOf({});
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()), settings.problems().empty());
        const Everything e = map().read(settings, PREFIX);
        CPPUNIT_ASSERT_EQUAL(std::string("anna"), e.name);
        CPPUNIT_ASSERT_EQUAL(3, e.count);
        CPPUNIT_ASSERT(e.every == 5s);
        CPPUNIT_ASSERT(!e.verbose);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1795515330), Poco::Int64(e.since.epochTime()));
        CPPUNIT_ASSERT(e.mode == Mode::Fast);
        CPPUNIT_ASSERT((e.tags == std::vector<std::string>{"a", "b"}));
        CPPUNIT_ASSERT((e.colours == std::set<std::string>{"red"}));
        CPPUNIT_ASSERT_EQUAL(std::string(), e.password);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1024), e.limits.bytes);
        CPPUNIT_ASSERT(e.limits.wait == 2s);
    }

    void valuesFillEveryMember()
    {
        const Settings settings = settingsOf({{"name", "bob"},
                                              {"count", "10"},
                                              {"every", "1m30s"},
                                              {"verbose", "true"},
                                              {"since", "2026-11-24T13:15:30.5+03:00"},
                                              {"mode", "careful"},
                                              {"tags", " x ,, y,"},
                                              {"colours", "green,blue"},
                                              {"limits.bytes", "7"}});
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()), settings.problems().empty());
        const Everything e = map().read(settings, PREFIX);
        CPPUNIT_ASSERT_EQUAL(std::string("bob"), e.name);
        CPPUNIT_ASSERT_EQUAL(10, e.count);
        CPPUNIT_ASSERT(e.every == 90s);
        CPPUNIT_ASSERT(e.verbose);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1795515330500000), e.since.epochMicroseconds());
        CPPUNIT_ASSERT(e.mode == Mode::Careful);
        CPPUNIT_ASSERT((e.tags == std::vector<std::string>{"x", "y"}));
        CPPUNIT_ASSERT((e.colours == std::set<std::string>{"blue", "green"}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(7), e.limits.bytes);
    }

    void badValuesOfEachTypeNameKeyAndValue()
    {
        for (const auto& [key, value, why] :
             std::vector<std::tuple<std::string, std::string, std::string>>{
                 {"count", "11", "must be between 0 and 10"},
                 {"every", "5", "not a duration; write it as 250ms, 5s, 10m or 1h"},
                 {"verbose", "yes", "expected true or false"},
                 {"since", "2026-11-24", "not an RFC3339 time like 2026-11-24T10:15:30Z"},
                 {"mode", "slow", "must be fast or careful"},
                 {"colours", "red,pink", "unknown colour 'pink' (known: blue, green, red)"},
                 {"limits.wait", "2min", "not a duration; write it as 250ms, 5s, 10m or 1h"}})
        {
            const Settings settings = settingsOf({{key, value}});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(key, std::size_t(1), settings.problems().size());
            const std::string expected = "--set: " + PREFIX + key + " = '" + value + "': " + why;
            CPPUNIT_ASSERT_MESSAGE(settings.problems()[0] + "\nexpected: " + expected,
                                   settings.problems()[0] == expected);
        }
        // Before check(), a getter refuses what it cannot parse, naming it, rather than guess.
        Settings unchecked = Settings::read("", {}, {{PREFIX + "verbose", "yes"}});
        unchecked.declare(map().keys(PREFIX));
        CPPUNIT_ASSERT_THROW(unchecked.getBool(PREFIX + "verbose"), ConfigException);
    }

    void secretsAreReadAndNeverShown()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const std::string file = dir.path() + "/pw";
        {
            Poco::FileOutputStream(file) << "s3cret\n";
        }
        ::chmod(file.c_str(), 0600);
        Settings settings = settingsOf({{"password_file", file}});
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()), settings.problems().empty());
        CPPUNIT_ASSERT(settings.warnings().empty());
        CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), map().read(settings, PREFIX).password);
        CPPUNIT_ASSERT_EQUAL(file, settings.getString(PREFIX + "password_file"));
        CPPUNIT_ASSERT(settings.describe(PREFIX + "password_file").find("s3cret") ==
                       std::string::npos);

        ::chmod(file.c_str(), 0644);
        settings = settingsOf({{"password_file", file}});
        CPPUNIT_ASSERT(anyContains(settings.warnings(), {file + " can be read by every user"}));
        CPPUNIT_ASSERT(!anyContains(settings.warnings(), {"s3cret"}));

        {
            Poco::FileOutputStream(file) << "\n";
        }
        settings = settingsOf({{"password_file", file}});
        CPPUNIT_ASSERT(anyContains(settings.problems(),
                                   {"password_file = '" + file + "': " + file + " is empty"}));
        settings = settingsOf({{"password_file", dir.path() + "/missing"}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), settings.problems().size());
        settings = settingsOf({{"password_file", std::string(100000, 'x')}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), settings.problems().size());
        CPPUNIT_ASSERT(settings.problems()[0].size() < 1000);
    }

    void bindingsThatCannotHoldTheirValuesAreRefused()
    {
        struct Small
        {
            std::uint8_t byte{};
            std::string key;
        };
        CPPUNIT_ASSERT_THROW(ConfigMap<Small>().integer("byte", &Small::byte, "1", "", 0, 256),
                             std::invalid_argument);
        CPPUNIT_ASSERT_NO_THROW(ConfigMap<Small>().integer("byte", &Small::byte, "1", "", 0, 255));
        CPPUNIT_ASSERT_THROW(ConfigMap<Small>().secret("key", &Small::key, ""),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(ConfigMap<Small>()
                                 .string("key", &Small::key, "", "")
                                 .string("key", &Small::key, "", ""),
                             std::invalid_argument);
    }

    void gettersRefuseAnotherType()
    {
        const Settings settings = settingsOf({});
        CPPUNIT_ASSERT_THROW(settings.getInt(PREFIX + "every"), Poco::BadCastException);
        CPPUNIT_ASSERT_THROW(settings.getSecret(PREFIX + "name"), Poco::BadCastException);
        CPPUNIT_ASSERT_THROW(settings.getList(PREFIX + "undeclared"), Poco::NotFoundException);
        // An enumeration is read by its name.
        CPPUNIT_ASSERT_EQUAL(std::string("fast"), settings.getString(PREFIX + "mode"));
    }

    void familiesCollectTheKeysSetForThem()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const std::string key = dir.path() + "/key";
        {
            Poco::FileOutputStream(key) << "k-77\n";
        }
        ::chmod(key.c_str(), 0600);
        TempFile file(".ini", "[source.s]\nquery.region = eu\nquery.kind = food\n"
                              "headers.accept = application/json\nheaders.x-key_file = " +
                                  key + "\n");
        Settings settings = Settings::read(file.path(), {}, {{PREFIX + "query.limit", "5"}});
        settings.declare(familiesMap().keys(PREFIX));
        settings.check();
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()), settings.problems().empty());
        const Families read = familiesMap().read(settings, PREFIX);
        CPPUNIT_ASSERT((std::map<std::string, std::string>{
                           {"kind", "food"}, {"limit", "5"}, {"region", "eu"}}) == read.query);
        CPPUNIT_ASSERT((std::map<std::string, std::string>{{"accept", "application/json"}}) ==
                       read.headers);
        // The longer pattern takes the key: a secret, read from its file.
        CPPUNIT_ASSERT((std::map<std::string, std::string>{{"x-key", "k-77"}}) ==
                       read.secretHeaders);
        CPPUNIT_ASSERT((std::vector<std::string>{PREFIX + "query.kind", PREFIX + "query.limit",
                                                 PREFIX + "query.region"}) ==
                       settings.keysOf(PREFIX + "query.*"));
        CPPUNIT_ASSERT(settings.describe(PREFIX + "headers.x-key_file").find("k-77") ==
                       std::string::npos);

        // A key of no family is unknown, and the message names the families.
        TempFile typo(".ini", "[source.s]\nqueery.region = eu\nquery. = x\n");
        settings = Settings::read(typo.path(), {}, {});
        settings.declare(familiesMap().keys(PREFIX));
        settings.check();
        CPPUNIT_ASSERT_MESSAGE(
            joined(settings.problems()),
            anyContains(settings.problems(), {"unknown key 'queery.region'",
                                              "headers.*, headers.*_file, path, query.*"}));
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()),
                               anyContains(settings.problems(), {"unknown key 'query.'"}));
        // None set: empty maps.
        settings = Settings::read("", {}, {});
        settings.declare(familiesMap().keys(PREFIX));
        settings.check();
        CPPUNIT_ASSERT(familiesMap().read(settings, PREFIX).query.empty());
        // A family needs one '*'; a secret one ends '*_file'.
        CPPUNIT_ASSERT_THROW(ConfigMap<Families>().family("query", &Families::query, "x"),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            ConfigMap<Families>().family("headers.*", &Families::secretHeaders, "x", true),
            std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigMapTest);
