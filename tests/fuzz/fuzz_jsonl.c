/* fuzz_jsonl.c - libFuzzer target: any bytes as a JSON-lines file. */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_reader(ingest_jsonl, data, size); }
