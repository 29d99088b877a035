#include "sources/PluginHost.h"

#include "MapSourceContext.h"
#include "util/Exceptions.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <elf.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace courierd;

namespace
{

const std::string DIR = COURIERD_FIXTURE_PLUGIN_DIR;

// The message of the PluginException that loading `plugin` throws.
std::string loadError(PluginHost& host, const std::string& plugin)
{
    try
    {
        host.load(plugin);
    }
    catch (const PluginException& e)
    {
        return e.message();
    }
    CPPUNIT_FAIL("loaded " + plugin);
    return {};
}

// `bytes` of `from` written to `to` (a copy cut short, as `head -c` makes one).
void writeCut(const std::string& from, const std::string& to, std::size_t bytes)
{
    std::ifstream in(from, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(std::min(bytes, content.size())));
}

// Where the last loadable segment of the ELF file `path` ends.
std::size_t loadableEnd(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    Elf64_Ehdr header{};
    in.read(reinterpret_cast<char*>(&header), sizeof header);
    std::size_t end = 0;
    for (int i = 0; i < header.e_phnum; ++i)
    {
        Elf64_Phdr segment{};
        in.seekg(static_cast<std::streamoff>(header.e_phoff + i * sizeof segment));
        in.read(reinterpret_cast<char*>(&segment), sizeof segment);
        if (segment.p_type == PT_LOAD)
            end = std::max<std::size_t>(end, segment.p_offset + segment.p_filesz);
    }
    return end;
}

std::string payloadOf(Source& source)
{
    test::MapSourceContext context("s", {{"greeting", "g"}});
    source.initialize(context);
    return source.fetch("").records.at(0).payload;
}

void assertContains(const std::string& text, const std::vector<std::string>& parts)
{
    for (const auto& part : parts)
        CPPUNIT_ASSERT_MESSAGE("'" + part + "' not in: " + text,
                               text.find(part) != std::string::npos);
}

} // namespace

class PluginHostTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PluginHostTest);
    CPPUNIT_TEST(loadsAPluginAndCreatesOneInstancePerSource);
    CPPUNIT_TEST(loadsByPathAndOnlyOnce);
    CPPUNIT_TEST(missingFileNamesFileAndDirectory);
    CPPUNIT_TEST(notALibraryIsRefused);
    CPPUNIT_TEST(missingAbiSymbolIsRefused);
    CPPUNIT_TEST(otherAbiVersionSaysBothVersions);
    CPPUNIT_TEST(wrongBaseClassIsRefused);
    CPPUNIT_TEST(twoPluginsWithOneNameAreRefused);
    CPPUNIT_TEST(aRefusedPluginLeavesTheOthersWorking);
    CPPUNIT_TEST(aNewBuildOfALoadedFileIsLoadedBesideTheOld);
    CPPUNIT_TEST(aFileCutShortIsRefusedBeforeTheLoaderMapsIt);
    CPPUNIT_TEST(aLoadedBuildOutlivesItsFileRewrittenInPlace);
    CPPUNIT_TEST(filesOthersMayChangeAreRefusedWhenStrict);
    CPPUNIT_TEST_SUITE_END();

public:
    void loadsAPluginAndCreatesOneInstancePerSource()
    {
        PluginHost host(DIR);
        const auto& loaded = host.load("fixture-good");
        CPPUNIT_ASSERT_EQUAL(std::string("fixture"), loaded.name);
        CPPUNIT_ASSERT_EQUAL(std::string("1.0"), loaded.version);
        CPPUNIT_ASSERT_EQUAL(std::string("fixture::GoodSource"), loaded.className);

        Source& first = host.create("fixture-good");
        Source& second = host.create("fixture-good");
        CPPUNIT_ASSERT(&first != &second);
        CPPUNIT_ASSERT_EQUAL(std::string("greeting"), first.settings().at(0).name);

        test::MapSourceContext a("a", {{"greeting", "hi"}});
        test::MapSourceContext b("b", {{"greeting", "hey"}});
        first.initialize(a);
        second.initialize(b);
        const Batch batch = first.fetch("41");
        CPPUNIT_ASSERT_EQUAL(std::string("hi-42"), batch.records.at(0).id);
        CPPUNIT_ASSERT_EQUAL(std::string("42"), batch.cursor);
        CPPUNIT_ASSERT_EQUAL(std::string("hey-1"), second.fetch("").records.at(0).id);
    }

    void loadsByPathAndOnlyOnce()
    {
        PluginHost host("/nonexistent");
        const auto& byPath = host.load(DIR + "/fixture-good.so");
        const auto& again = host.load(DIR + "/fixture-good.so");
        CPPUNIT_ASSERT(&byPath == &again);
    }

    void missingFileNamesFileAndDirectory()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "service-orderr"),
                       {"'service-orderr'", DIR + "/service-orderr.so", "plugins.dir = " + DIR});
    }

    void notALibraryIsRefused()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "fixture-not-a-library"),
                       {DIR + "/fixture-not-a-library.so", "is not a shared library"});
    }

    void missingAbiSymbolIsRefused()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "fixture-no-abi"),
                       {DIR + "/fixture-no-abi.so", "courierd_plugin_abi_version", "found none"});
    }

    void otherAbiVersionSaysBothVersions()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "fixture-old-abi"),
                       {DIR + "/fixture-old-abi.so", "ABI 0",
                        "expects ABI " + std::to_string(COURIERD_ABI_VERSION)});
        // A plugin built for the release before (issue 21: Source::recheck() moved the ABI).
        assertContains(loadError(host, "fixture-previous-abi"),
                       {DIR + "/fixture-previous-abi.so",
                        "ABI " + std::to_string(COURIERD_ABI_VERSION - 1),
                        "expects ABI " + std::to_string(COURIERD_ABI_VERSION)});
    }

    void wrongBaseClassIsRefused()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "fixture-wrong-base"),
                       {DIR + "/fixture-wrong-base.so", "courierd::Source", "another base class"});
    }

    void twoPluginsWithOneNameAreRefused()
    {
        PluginHost host(DIR);
        host.load("fixture-good");
        assertContains(loadError(host, "fixture-twin"),
                       {DIR + "/fixture-twin.so", "'fixture'", DIR + "/fixture-good.so"});
    }

    void aRefusedPluginLeavesTheOthersWorking()
    {
        PluginHost host(DIR);
        loadError(host, "fixture-old-abi");
        loadError(host, "fixture-wrong-base");
        CPPUNIT_ASSERT_EQUAL(std::string("other"), host.load("fixture-other").name);
        test::MapSourceContext context("x", {{"greeting", "yo"}});
        Source& source = host.create("fixture-other");
        source.initialize(context);
        CPPUNIT_ASSERT_EQUAL(std::string("yo-1"), source.fetch("").records.at(0).id);
    }

    // A plugin file replaced by a new build (as install(1) and dpkg do: a new inode): the next
    // load() checks and loads it, new instances come from it, older ones keep their build,
    // which goes once the last of them is destroyed. A build that fails the checks changes
    // nothing.
    void aNewBuildOfALoadedFileIsLoadedBesideTheOld()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const std::string file = dir.path() + "/p.so";
        const auto install = [&](const std::string& fixture)
        {
            Poco::File(DIR + "/" + fixture + ".so").copyTo(file + ".new");
            Poco::File(file + ".new").renameTo(file);
        };
        install("fixture-good");
        PluginHost host(dir.path());
        CPPUNIT_ASSERT_EQUAL(std::string("1.0"), host.load("p").version);
        Source& old = host.create("p");
        CPPUNIT_ASSERT(!host.replaced("p"));

        install("fixture-old-abi");
        CPPUNIT_ASSERT(host.replaced("p"));
        assertContains(loadError(host, "p"), {file, "built for plugin ABI"});
        CPPUNIT_ASSERT_EQUAL(std::string("1.0"), host.info("p").version);

        install("fixture-good-v2");
        CPPUNIT_ASSERT_EQUAL(std::string("2.0"), host.load("p").version);
        CPPUNIT_ASSERT(!host.replaced("p"));
        Source& fresh = host.create("p");
        const auto build = [](Source& source)
        {
            test::MapSourceContext context("s", {{"greeting", "g"}});
            source.initialize(context);
            return source.fetch("").records.at(0).payload;
        };
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"build":"1.0"})"), build(old));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"build":"2.0"})"), build(fresh));
        host.destroy(old);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"build":"2.0"})"), build(fresh));
        // Loaded once: the same build again is the same library.
        CPPUNIT_ASSERT_EQUAL(host.info("p").loadedAs, host.load("p").loadedAs);
    }

    // Issue 19, defect 2: `head -c 50000 service-order.so > new.so; mv new.so …` then a reload
    // was a SIGBUS inside the dynamic loader (exit 134, no log line). Every cut is refused with
    // a message naming the file, and the build that was loaded goes on.
    void aFileCutShortIsRefusedBeforeTheLoaderMapsIt()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const std::string file = dir.path() + "/p.so";
        const std::string good = DIR + "/fixture-good.so";
        Poco::File(good).copyTo(file);
        PluginHost host(dir.path());
        Source& running = host.create("p");
        // Cut inside what the loader maps (past it lie only sections it never reads).
        const std::size_t end = loadableEnd(good);
        CPPUNIT_ASSERT(end > 4096);
        for (const std::size_t cut : {end - 1, end / 2, std::size_t(4096), std::size_t(100),
                                      std::size_t(10), std::size_t(0)})
        {
            writeCut(good, file + ".new", cut);
            Poco::File(file + ".new").renameTo(file);
            const std::string error = loadError(host, "p");
            assertContains(error, {file});
            if (cut >= 64) // an ELF header, then program headers or segments cut
                assertContains(error, {"is cut short", "past its " + std::to_string(cut)});
            else
                assertContains(error, {"is not a shared library"});
            CPPUNIT_ASSERT_EQUAL(std::string("1.0"), host.info("p").version);
        }
        {
            std::ofstream text(file + ".new");
            text << "#!/bin/sh\n# a script where a plugin should be, longer than an ELF header\n";
        }
        Poco::File(file + ".new").renameTo(file);
        assertContains(loadError(host, "p"), {file, "no ELF header"});
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"build":"1.0"})"), payloadOf(running));
    }

    // A build is loaded from a sealed copy in memory: its file rewritten in place (`cp` over
    // it, O_TRUNC) or cut to nothing never reaches the running build's pages.
    void aLoadedBuildOutlivesItsFileRewrittenInPlace()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const std::string file = dir.path() + "/p.so";
        Poco::File(DIR + "/fixture-good.so").copyTo(file);
        PluginHost host(dir.path());
        Source& source = host.create("p");
        writeCut(DIR + "/fixture-good.so", file, 0); // the same inode, truncated
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"build":"1.0"})"), payloadOf(source));
        CPPUNIT_ASSERT(host.info("p").loadedAs.rfind("/proc/self/fd/", 0) == 0);
        host.destroy(source);
    }

    // Issue 19, defect 8: like sshd's StrictModes, a plugin file or the directory holding it
    // that others may change is refused unless plugins.strict_permissions = false.
    void filesOthersMayChangeAreRefusedWhenStrict()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const std::string file = dir.path() + "/p.so";
        Poco::File(DIR + "/fixture-good.so").copyTo(file);
        ::chmod(dir.path().c_str(), 0755);
        ::chmod(file.c_str(), 0666);
        {
            PluginHost host(dir.path());
            assertContains(loadError(host, "p"),
                           {file, "is writable by others (mode 0666)", "strict_permissions"});
        }
        {
            PluginHost lax(dir.path(), false);
            CPPUNIT_ASSERT_EQUAL(std::string("fixture"), lax.load("p").name);
        }
        ::chmod(file.c_str(), 0644);
        ::chmod(dir.path().c_str(), 0777);
        {
            PluginHost host(dir.path());
            assertContains(loadError(host, "p"),
                           {file, "its directory", "is writable by others (mode 0777)"});
        }
        ::chmod(dir.path().c_str(), 0755);
        {
            PluginHost host(dir.path());
            CPPUNIT_ASSERT_EQUAL(std::string("fixture"), host.load("p").name);
        }
        // Owned by another user (only root can hand a file to one).
        if (::geteuid() == 0)
        {
            CPPUNIT_ASSERT_EQUAL(0, ::chown(file.c_str(), 65534, 65534));
            PluginHost host(dir.path());
            assertContains(loadError(host, "p"), {file, "is owned by uid 65534"});
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginHostTest);
