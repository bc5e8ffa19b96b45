#pragma once
// The libFuzzer entry point of fuzz_inputs.cpp (plan JSON, config JSON, cells).
#include <cstddef>
#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);
