// The one table of codes shared by the emulator's Python side and its C++ side. C++ expands it with
// X-macros (emu/core.h); Python reads this file (emulator/codes.py). Add a row here and both sides
// know it. No include guard on purpose: each includer defines the macros it needs.
//
// EMU_DATA_FORMAT(plan name, tt::DataFormat enumerator, tt::DataFormat value, bytes per datum)
//   values as tt-metal's tt::DataFormat (ttnn 0.81.1: CBFormatDescriptor.data_format_as_uint8,
//   Float32 = 0, Float16_b = 5)
// EMU_MATH_FIDELITY(plan name, MATH_FIDELITY value the kernel is compiled with)
//   values as tt-metal's MathFidelity (LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4)
// EMU_NUMERICS(plan name, emu::Numerics enumerator, value)
//   the numerics variants (EMULATOR_NUMERICS; emulator/README.md, fidelity table): where the sources
//   disagree on a number rule, each variant is one reading; pessimistic takes the lossier one per rule
#ifndef EMU_DATA_FORMAT
#define EMU_DATA_FORMAT(name, enumerator, value, datum_bytes)
#endif
#ifndef EMU_MATH_FIDELITY
#define EMU_MATH_FIDELITY(name, value)
#endif
#ifndef EMU_NUMERICS
#define EMU_NUMERICS(name, enumerator, value)
#endif

EMU_DATA_FORMAT(float32, Float32, 0, 4)
EMU_DATA_FORMAT(bfloat16, Float16_b, 5, 2)

EMU_MATH_FIDELITY(LoFi, 0)
EMU_MATH_FIDELITY(HiFi2, 2)
EMU_MATH_FIDELITY(HiFi3, 3)
EMU_MATH_FIDELITY(HiFi4, 4)

EMU_NUMERICS(pessimistic, Pessimistic, 0)
EMU_NUMERICS(isa, Isa, 1)
EMU_NUMERICS(ttsim, Ttsim, 2)
EMU_NUMERICS(exact, Exact, 3)

#undef EMU_DATA_FORMAT
#undef EMU_MATH_FIDELITY
#undef EMU_NUMERICS
