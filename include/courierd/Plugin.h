#pragma once

#include "courierd/Source.h"

#include <Poco/ClassLibrary.h>

/// The plugin ABI this SDK builds. The host refuses a plugin built for another one, saying
/// both numbers, before it runs any of the plugin's code beyond the version function. Raised
/// whenever Source, SourceContext, Batch, Record, Reject, RecordSink, PluginInfo or another SDK
/// type a plugin constructs (HttpClientOptions, JsonArrayReader) change incompatibly.
/// 2: Source::stream() and RecordSink. 3: HttpClientOptions::deadline, JsonArrayReader's
/// element size, StoppingException in the SDK. 4: Source::cursorAt(), UnsupportedException,
/// TimestampWatermark keeps its window out of the cursor. 5: ConfigValues (SourceContext's
/// getters), ConfigKey::values and the Boolean, Time, Enumeration, List and Secret types.
/// 6: Source::rechecks() and recheck(), RecheckQuery, RecheckAnswer, HttpStatusException.
/// 7: HttpClientOptions::headers, HttpResponse::headers, HttpClient's state behind a pointer.
/// 8: ConfigValues::keysOf() and key families (`query.*`), PendingParts.
#define COURIERD_ABI_VERSION 8

namespace courierd
{

/// What a plugin says about itself; returned by the `courierd_plugin_info` symbol.
struct PluginInfo
{
    const char* name;      ///< The plugin's name; unique among the loaded plugins.
    const char* version;   ///< The plugin's own version, for logs and the admin API.
    const char* className; ///< The exported Source subclass, as named in the manifest.
};

/// The symbols the host looks up, in this order.
constexpr const char* ABI_VERSION_SYMBOL = "courierd_plugin_abi_version";
constexpr const char* INFO_SYMBOL = "courierd_plugin_info";

} // namespace courierd

/// Makes a shared library a courierd plugin exporting CLASS (a courierd::Source subclass with a
/// default constructor, named with its namespace) under NAME with VERSION. Use it once, at
/// namespace scope, in one .cpp file of the plugin.
#define COURIERD_PLUGIN(CLASS, NAME, VERSION)                                                      \
    extern "C" POCO_LIBRARY_API int courierd_plugin_abi_version()                                  \
    {                                                                                              \
        return COURIERD_ABI_VERSION;                                                               \
    }                                                                                              \
    extern "C" POCO_LIBRARY_API const ::courierd::PluginInfo* courierd_plugin_info()               \
    {                                                                                              \
        static const ::courierd::PluginInfo info{NAME, VERSION, #CLASS};                           \
        return &info;                                                                              \
    }                                                                                              \
    POCO_BEGIN_MANIFEST(::courierd::Source)                                                        \
    POCO_EXPORT_CLASS(CLASS)                                                                       \
    POCO_END_MANIFEST
