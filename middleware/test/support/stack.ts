/** The local stack lives in src/demo (the demo and benchmarks use it too). */
export * from '../../src/demo/stack';
