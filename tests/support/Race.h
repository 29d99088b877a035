#pragma once

#include "util/Exceptions.h"

#include <Poco/Logger.h>

#include <atomic>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace courierd::test
{

/// Threads that each repeat one step, with a random generator of their own, until stop(): the
/// races of the concurrency tests. A CodedConflictException `delivery_ended` (an unassign of a
/// delivery that ended at the source) is counted refused; any other exception is an error,
/// logged.
class Race
{
public:
    Race() = default;
    Race(const Race&) = delete;
    Race& operator=(const Race&) = delete;
    ~Race() { stop(); }

    void run(std::function<void(std::mt19937&)> step, unsigned seed)
    {
        _threads.emplace_back(
            [this, step = std::move(step), seed]
            {
                std::mt19937 random(seed);
                while (!_done)
                    try
                    {
                        step(random);
                    }
                    catch (const CodedConflictException& e)
                    {
                        if (e.apiCode() != "delivery_ended")
                            ++_errors;
                        ++_refused;
                    }
                    catch (const Poco::Exception& e)
                    {
                        ++_errors;
                        Poco::Logger::get("test").error("race: %s", e.displayText());
                    }
            });
    }

    /// Ends every step after its current run and joins the threads. Idempotent.
    void stop()
    {
        _done = true;
        for (auto& thread : _threads)
            thread.join();
        _threads.clear();
    }

    int errors() const { return _errors; }
    int refused() const { return _refused; }

private:
    std::atomic<bool> _done{false};
    std::atomic<int> _errors{0};
    std::atomic<int> _refused{0};
    std::vector<std::thread> _threads;
};

} // namespace courierd::test
