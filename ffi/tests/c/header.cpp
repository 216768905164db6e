// SPDX-License-Identifier: MIT OR Apache-2.0
// The header must compile as C++ too, with every warning an error.
#include "panicqr.h"

int main()
{
	panicqr_code code = {};
	return panicqr_image_len(code.version) == 0 ? 0 : 1;
}
