#include "util/Clock.h"

namespace courierd
{

namespace
{

class SystemClock final : public Clock
{
public:
    Poco::Timestamp now() const override { return Poco::Timestamp(); }
};

} // namespace

const Clock& Clock::system()
{
    static const SystemClock clock;
    return clock;
}

} // namespace courierd
