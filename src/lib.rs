//! Host-side helpers shared by the examples, integration tests and benchmarks:
//! reading payloads back from URLs and images. Nothing here runs in a kernel.
