#ifndef FORMFLOW_CTESSERACT_SHIM_H
#define FORMFLOW_CTESSERACT_SHIM_H
// Tesseract's C API and the Leptonica functions FormFlowOCR calls.
// Only FormFlowOCR imports this module.
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
// malloc_trim: Leptonica's large buffers (a phone's picture) are given back to the system once freed.
#include <malloc.h>
#endif
