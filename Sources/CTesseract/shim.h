#ifndef FORMFLOW_CTESSERACT_SHIM_H
#define FORMFLOW_CTESSERACT_SHIM_H
// Tesseract's C API and the Leptonica functions FormFlowOCR calls.
// Only FormFlowOCR imports this module.
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#endif
