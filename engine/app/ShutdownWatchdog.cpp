#include "app/ShutdownWatchdog.h"

#include <Poco/Logger.h>
#include <Poco/Util/Application.h>

#include <cstdlib>

namespace courierd
{

ShutdownWatchdog::ShutdownWatchdog(Duration limit)
    : _thread(
          [this, limit]
          {
              std::unique_lock lock(_mutex);
              if (!_done.wait_for(lock, limit, [this] { return _finished; }))
              {
                  Poco::Logger::get("courierd")
                      .fatal("shutdown took longer than daemon.shutdown_timeout (%s); exiting now",
                             formatDuration(limit));
                  std::_Exit(Poco::Util::Application::EXIT_SOFTWARE);
              }
          })
{
}

ShutdownWatchdog::~ShutdownWatchdog()
{
    {
        std::lock_guard lock(_mutex);
        _finished = true;
    }
    _done.notify_all();
    _thread.join();
}

} // namespace courierd
