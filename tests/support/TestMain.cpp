// The runner every test binary shares: `<runner>` runs all its suites, `<runner> NAME` one.
#include <Poco/Exception.h>
#include <cppunit/Message.h>
#include <cppunit/Protector.h>
#include <cppunit/TestResult.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

#include <iostream>
#include <vector>

namespace
{

// CppUnit shows only the type of an escaped exception; POCO's text is what says what happened.
class PocoProtector : public CppUnit::Protector
{
public:
    bool protect(const CppUnit::Functor& functor, const CppUnit::ProtectorContext& context) override
    {
        try
        {
            return functor();
        }
        catch (const Poco::Exception& e)
        {
            reportError(context, CppUnit::Message("uncaught " + std::string(e.className()),
                                                  e.displayText()));
        }
        return false;
    }
};

} // namespace

int main(int argc, char** argv)
{
    CppUnit::TextUi::TestRunner runner;
    runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
    runner.eventManager().pushProtector(new PocoProtector);
    // No name: every suite of this runner; otherwise each suite (or Suite::test) named.
    std::vector<std::string> names(argv + 1, argv + argc);
    if (names.empty())
        names.emplace_back();
    bool passed = true;
    for (const auto& name : names)
    {
        try
        {
            passed = runner.run(name, false, true, false) && passed;
        }
        catch (const std::invalid_argument& e)
        {
            std::cerr << "no test named '" << name << "': " << e.what() << std::endl;
            return 2;
        }
    }
    return passed ? 0 : 1;
}
