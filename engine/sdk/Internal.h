#pragma once

// What the SDK's classes keep behind their pointers is not its API: hidden, though nested in
// exported classes (which would otherwise export it too).
#define COURIERD_SDK_PRIVATE __attribute__((visibility("hidden")))

// The state behind every SDK class's pointer starts with this. In a normal build it is empty;
// CTest SdkRebuildKeepsPlugins builds the library once more with
// -DCOURIERD_SDK_LAYOUT_PROBE=N, which puts N bytes in front of every member, and checks that
// a plugin built against the first build still loads and reads through the second: what lies
// behind the pointers may change without a new plugin ABI.
#ifdef COURIERD_SDK_LAYOUT_PROBE
#define COURIERD_LAYOUT_PROBE char layoutProbe[COURIERD_SDK_LAYOUT_PROBE] = {};
#else
#define COURIERD_LAYOUT_PROBE
#endif
