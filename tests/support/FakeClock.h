#pragma once

#include "util/Clock.h"

#include <chrono>
#include <mutex>

namespace courierd::test
{

/// A clock that stands still until the test moves it. Thread-safe.
class FakeClock final : public Clock
{
public:
    explicit FakeClock(Poco::Timestamp start = Poco::Timestamp())
        : _now(start)
    {
    }

    Poco::Timestamp now() const override
    {
        std::lock_guard lock(_mutex);
        return _now;
    }

    void advance(std::chrono::microseconds by)
    {
        std::lock_guard lock(_mutex);
        _now += by.count();
    }

private:
    mutable std::mutex _mutex;
    Poco::Timestamp _now;
};

} // namespace courierd::test
