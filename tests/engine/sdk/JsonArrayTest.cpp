#include "courierd/JsonArray.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

using courierd::JsonArrayReader;
using courierd::splitJsonArray;

namespace
{

std::vector<std::string> split(std::string_view body)
{
    std::vector<std::string> out;
    for (auto element : splitJsonArray(body))
        out.emplace_back(element);
    return out;
}

std::string errorOf(std::string_view body)
{
    try
    {
        splitJsonArray(body);
    }
    catch (const Poco::SyntaxException& e)
    {
        return e.message();
    }
    CPPUNIT_FAIL("accepted: " + std::string(body));
    return {};
}

// The elements, or the error, of `body` fed to a reader in pieces of `size` bytes; pieces
// cut through strings, escapes, numbers and multi-byte characters.
std::string streamed(std::string_view body, std::size_t size, std::size_t maxElement = 1 << 20)
{
    std::string out;
    JsonArrayReader reader([&](std::string_view text, bool truncated)
                           { out += std::string(text) + (truncated ? "…" : "") + "\n"; },
                           maxElement);
    try
    {
        for (std::size_t at = 0; at < body.size(); at += size)
            reader.feed(body.substr(at, size));
        reader.finish();
    }
    catch (const Poco::SyntaxException& e)
    {
        out += "error: " + e.message();
    }
    return out;
}

std::string whole(std::string_view body)
{
    return streamed(body, std::max<std::size_t>(body.size(), 1));
}

} // namespace

class JsonArrayTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(JsonArrayTest);
    CPPUNIT_TEST(splitsElementsVerbatim);
    CPPUNIT_TEST(emptyArrays);
    CPPUNIT_TEST(stringsMayHoldBracketsCommasAndEscapes);
    CPPUNIT_TEST(malformedElementsAreStillSplit);
    CPPUNIT_TEST(brokenArraysAreRefusedWithAnOffset);
    CPPUNIT_TEST(piecesOfAnySizeGiveTheSameElementsAndErrors);
    CPPUNIT_TEST(anOversizedElementIsCutAndFlagged);
    CPPUNIT_TEST(appendedStringsReadBackAsTheyWere);
    CPPUNIT_TEST_SUITE_END();

public:
    void splitsElementsVerbatim()
    {
        const auto parts =
            split(" [ {\"id\": \"a\",  \"n\":[1,2]} ,{\"id\":\"b\"},\n 3 ,null ] \n");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), parts.size());
        CPPUNIT_ASSERT_EQUAL(std::string("{\"id\": \"a\",  \"n\":[1,2]}"), parts[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"id\":\"b\"}"), parts[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), parts[2]);
        CPPUNIT_ASSERT_EQUAL(std::string("null"), parts[3]);
    }

    void emptyArrays()
    {
        CPPUNIT_ASSERT(split("[]").empty());
        CPPUNIT_ASSERT(split(" [ \n ] ").empty());
    }

    void stringsMayHoldBracketsCommasAndEscapes()
    {
        const auto parts = split(R"([{"fio":"Иван, \"Ваня\" ]}["},"x\\"])");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), parts.size());
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"fio":"Иван, \"Ваня\" ]}["})"), parts[0]);
        CPPUNIT_ASSERT_EQUAL(std::string(R"("x\\")"), parts[1]);
    }

    void malformedElementsAreStillSplit()
    {
        // The array is well-formed; its elements are each parser's business.
        const auto parts = split("[{\"id\": }, {\"id\":\"ok\"}]");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), parts.size());
        CPPUNIT_ASSERT_EQUAL(std::string("{\"id\": }"), parts[0]);
    }

    void brokenArraysAreRefusedWithAnOffset()
    {
        CPPUNIT_ASSERT(errorOf("").find("empty body") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("{\"id\":1}").find("expected a JSON array, found '{'") !=
                       std::string::npos);
        CPPUNIT_ASSERT(errorOf("<html>").find("found '<'") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("[{\"id\":1},{\"id\"").find("truncated") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("[{\"id\":\"abc").find("truncated") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("[1 2]").find("missing ','") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("[{} {}]").find("missing ','") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("[1,,2]").find("empty element") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("[1,2,]").find("trailing ','") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("[1] x").find("text after the array at byte 4") !=
                       std::string::npos);
        CPPUNIT_ASSERT(errorOf("[1}]").find("unbalanced") != std::string::npos);
    }

    void piecesOfAnySizeGiveTheSameElementsAndErrors()
    {
        const char* bodies[] = {
            " [ {\"id\": \"a\",  \"n\":[1,2]} ,{\"id\":\"b\"},\n 3 ,null, -12.5e3 ] \n",
            R"([{"fio":"Иван, \"Ваня\" ]}["},"x\\",true,"tail"])",
            "[]",
            "",
            "<html>",
            "[{\"id\":1},{\"id\"",
            "[{\"id\":\"abc",
            "[1 2]",
            "[1,,2]",
            "[1,2,]",
            "[1] x",
            "[1}]",
            "[12345",
        };
        for (std::string_view body : bodies)
        {
            const std::string expected = whole(body);
            // Whole, the reader agrees with splitJsonArray().
            std::string split;
            try
            {
                for (auto element : splitJsonArray(body))
                    split += std::string(element) + "\n";
            }
            catch (const Poco::SyntaxException& e)
            {
                split += "error: " + e.message();
            }
            // (A reader hands elements over before it meets an error; splitJsonArray() throws.)
            const auto error = expected.find("error: ");
            CPPUNIT_ASSERT_EQUAL(split,
                                 error == std::string::npos ? expected : expected.substr(error));
            for (std::size_t size = 1; size < body.size(); ++size)
                CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(body) + " in pieces of " +
                                                 std::to_string(size),
                                             expected, streamed(body, size));
        }
    }

    void anOversizedElementIsCutAndFlagged()
    {
        const std::string body = R"([{"id":"0123456789"}, 7, {"a":1}])";
        for (std::size_t size : {1, 3, 7, 100})
            CPPUNIT_ASSERT_EQUAL(std::string("{\"id\":\"…\n7\n{\"a\":1}\n"),
                                 streamed(body, size, 7));
    }

    void appendedStringsReadBackAsTheyWere()
    {
        const std::string values[] = {"",
                                      "plain-id-123",
                                      "quote \" and backslash \\",
                                      "tab\tnew line\ncarriage\rbell\a",
                                      std::string("nul\0byte", 8),
                                      "Иван, \"Ваня\" 🚀"};
        for (const auto& value : values)
        {
            std::string json = "[";
            courierd::appendJsonString(json, value);
            json += "]";
            const auto parsed = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
            CPPUNIT_ASSERT_EQUAL(value, parsed->getElement<std::string>(0));
        }
        std::string raw;
        courierd::appendJsonString(raw, "Иван");
        CPPUNIT_ASSERT_EQUAL(std::string("\"Иван\""), raw); // UTF-8 is copied, not escaped
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonArrayTest);
