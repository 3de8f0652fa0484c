/* fuzz_csv.c - libFuzzer target: any bytes as a CSV file. */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_reader(ingest_csv, data, size); }
