"""The phased builder: carries an op from spec.json to tested kernels (spec, descriptor, stubs,
kernels, tests), proving each phase with a gate and logging every step for `builder audit`.
See agents/README.md."""
