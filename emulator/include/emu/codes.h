// The one table of codes shared by the emulator's Python side and its C++ side. C++ expands it with
// X-macros (emu/core.h); Python reads this file (emulator/codes.py). Add a row here and both sides
// know it. No include guard on purpose: each includer defines the macros it needs.
//
// EMU_DATA_FORMAT(plan name, tt::DataFormat enumerator, tt::DataFormat value, bytes per datum)
//   values as tt-metal's tt::DataFormat (ttnn 0.81.1: CBFormatDescriptor.data_format_as_uint8,
//   Float32 = 0, Float16_b = 5)
// EMU_OTHER_DATA_FORMAT(tt::DataFormat enumerator, value)
//   tt::DataFormat's other enumerators (Wormhole values: the wheel's internal/tt-1xx/wormhole/
//   wormhole_b0_defines/tensix_types.h), named so production kernels that mention them compile; no CB of
//   these formats is emulated, so they have no plan name
// EMU_MATH_FIDELITY(plan name, MATH_FIDELITY value the kernel is compiled with)
//   values as tt-metal's MathFidelity (LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4)
// EMU_NUMERICS(plan name, emu::Numerics enumerator, value)
//   the numerics variants (EMULATOR_NUMERICS; emulator/README.md, fidelity table): where the sources
//   disagree on a number rule, each variant is one reading; pessimistic takes the lossier one per rule
#ifndef EMU_DATA_FORMAT
#define EMU_DATA_FORMAT(name, enumerator, value, datum_bytes)
#endif
#ifndef EMU_OTHER_DATA_FORMAT
#define EMU_OTHER_DATA_FORMAT(enumerator, value)
#endif
#ifndef EMU_MATH_FIDELITY
#define EMU_MATH_FIDELITY(name, value)
#endif
#ifndef EMU_NUMERICS
#define EMU_NUMERICS(name, enumerator, value)
#endif

EMU_DATA_FORMAT(float32, Float32, 0, 4)
EMU_DATA_FORMAT(bfloat16, Float16_b, 5, 2)

EMU_OTHER_DATA_FORMAT(Float16, 1)
EMU_OTHER_DATA_FORMAT(Bfp8, 2)
EMU_OTHER_DATA_FORMAT(Bfp4, 3)
EMU_OTHER_DATA_FORMAT(Tf32, 4)
EMU_OTHER_DATA_FORMAT(Bfp8_b, 6)
EMU_OTHER_DATA_FORMAT(Bfp4_b, 7)
EMU_OTHER_DATA_FORMAT(Int32, 8)
EMU_OTHER_DATA_FORMAT(UInt16, 9)
EMU_OTHER_DATA_FORMAT(Lf8, 10)
EMU_OTHER_DATA_FORMAT(Bfp2, 11)
EMU_OTHER_DATA_FORMAT(Int8, 14)
EMU_OTHER_DATA_FORMAT(Bfp2_b, 15)
EMU_OTHER_DATA_FORMAT(UInt32, 24)
EMU_OTHER_DATA_FORMAT(UInt8, 30)

EMU_MATH_FIDELITY(LoFi, 0)
EMU_MATH_FIDELITY(HiFi2, 2)
EMU_MATH_FIDELITY(HiFi3, 3)
EMU_MATH_FIDELITY(HiFi4, 4)

EMU_NUMERICS(pessimistic, Pessimistic, 0)
EMU_NUMERICS(isa, Isa, 1)
EMU_NUMERICS(ttsim, Ttsim, 2)
EMU_NUMERICS(exact, Exact, 3)

#undef EMU_DATA_FORMAT
#undef EMU_OTHER_DATA_FORMAT
#undef EMU_MATH_FIDELITY
#undef EMU_NUMERICS
