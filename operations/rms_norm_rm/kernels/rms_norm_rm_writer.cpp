// rms_norm_rm writer: the row-major norm ops' shared writer, written once in kernel_lib/row_major_writer.h
// (its header gives the args).
#include "../../kernel_lib/row_major_writer.h"
