#include "util/Exceptions.h"

#include <typeinfo>

namespace courierd
{

POCO_IMPLEMENT_EXCEPTION(StoreException, Poco::IOException, "Store error")
POCO_IMPLEMENT_EXCEPTION(MigrationException, StoreException, "Migration failed")
POCO_IMPLEMENT_EXCEPTION(PluginException, Poco::RuntimeException, "Plugin error")
POCO_IMPLEMENT_EXCEPTION(LeaseLostException, Poco::RuntimeException, "Lease lost")
POCO_IMPLEMENT_EXCEPTION(CursorMovedException, Poco::RuntimeException, "Cursor moved")
POCO_IMPLEMENT_EXCEPTION(ReplayStoppedException, Poco::RuntimeException, "Replay stopped")
POCO_IMPLEMENT_EXCEPTION(ValidationException, Poco::InvalidArgumentException, "Invalid input")
POCO_IMPLEMENT_EXCEPTION(ConflictException, Poco::IllegalStateException, "Conflict")

} // namespace courierd
