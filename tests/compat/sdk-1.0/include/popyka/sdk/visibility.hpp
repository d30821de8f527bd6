#pragma once
// Plugins are built with -fvisibility=hidden. Types whose typeinfo the host and plugins share
// (interfaces, exceptions) must stay visible, or a `catch` in the host misses an exception
// thrown by a plugin and the process ends in std::terminate().
#define POPYKA_SDK_VISIBLE __attribute__((visibility("default")))
