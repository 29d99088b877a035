#include "courierd/JsonArray.h"

#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

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

} // namespace

class JsonArrayTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(JsonArrayTest);
    CPPUNIT_TEST(splitsElementsVerbatim);
    CPPUNIT_TEST(emptyArrays);
    CPPUNIT_TEST(stringsMayHoldBracketsCommasAndEscapes);
    CPPUNIT_TEST(malformedElementsAreStillSplit);
    CPPUNIT_TEST(brokenArraysAreRefusedWithAnOffset);
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonArrayTest);
